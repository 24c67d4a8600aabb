import { alertExportHandlers } from "../../lib/service/alert_export_handlers.ts";

/** The alert trail as a streamed NDJSON download (one alert per line). */
export const handler = alertExportHandlers("ndjson");
