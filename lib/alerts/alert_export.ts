/**
 * Streams alerts as a download (`/api/alerts.csv`, `/api/alerts.ndjson`).
 * The body is a pull-based `ReadableStream`: rows are read from KV only as
 * fast as the client takes them, and at most one batch is held in memory, so
 * exporting the whole trail costs the same memory as exporting ten rows.
 */
import type { AlertFrame } from "../protocol/frames.ts";
import { ALERT_CSV_HEADER, alertCsvRow } from "./alert_csv.ts";

/** Export formats. */
export type AlertExportFormat = "csv" | "ndjson";

/** Options of {@linkcode alertExportResponse}. */
export interface AlertExportOptions {
  /** Time the export was made, epoch ms (names the file). */
  readonly now: number;
  /** Most rows written. Default: all. */
  readonly limit?: number;
  /** Rows encoded per chunk. Default 100. */
  readonly chunkRows?: number;
}

const CONTENT_TYPES: Readonly<Record<AlertExportFormat, string>> = {
  csv: "text/csv; charset=utf-8; header=present",
  ndjson: "application/x-ndjson; charset=utf-8",
};

/** The download file name, e.g. `sats-sentinel-alerts-20240102T030405Z.csv`. */
export function exportFileName(format: AlertExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().replace(/\.\d{3}/, "").replace(
    /[-:]/g,
    "",
  );
  return `sats-sentinel-alerts-${stamp}.${format}`;
}

/** The streamed response for `alerts` in `format`. */
export function alertExportResponse(
  alerts: AsyncIterable<AlertFrame>,
  format: AlertExportFormat,
  options: AlertExportOptions,
): Response {
  const limit = options.limit ?? Infinity;
  const chunkRows = options.chunkRows ?? 100;
  const encoder = new TextEncoder();
  const encode = format === "csv"
    ? alertCsvRow
    : (alert: AlertFrame) => `${JSON.stringify(alert)}\n`;
  const iterator = alerts[Symbol.asyncIterator]();
  let written = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (format === "csv") {
        controller.enqueue(encoder.encode(ALERT_CSV_HEADER));
      }
    },
    async pull(controller) {
      let text = "";
      for (let rows = 0; rows < chunkRows && written < limit; rows++) {
        const next = await iterator.next();
        if (next.done) {
          written = limit;
          break;
        }
        text += encode(next.value);
        written++;
      }
      if (text) controller.enqueue(encoder.encode(text));
      if (written >= limit) {
        await iterator.return?.();
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${
        exportFileName(format, options.now)
      }"`,
      "cache-control": "no-store",
    },
  });
}
