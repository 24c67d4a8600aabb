import { alertExportHandlers } from "../../lib/service/alert_export_handlers.ts";

/** The alert trail as a streamed CSV download (header row, RFC 4180 quoting). */
export const handler = alertExportHandlers("csv");
