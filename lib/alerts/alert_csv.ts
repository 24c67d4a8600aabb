/**
 * Alerts as CSV (RFC 4180): a header row, CRLF line ends, every text field
 * quoted with inner quotes doubled, numbers bare. Text that a spreadsheet
 * would run as a formula (leading `=`, `+`, `-`, `@`, tab, CR) is prefixed
 * with `'`, the usual defence against CSV injection; the service's own ids,
 * times, symbols and kinds never start that way, so no real value changes.
 */
import type { AlertFrame } from "../protocol/frames.ts";

/** Columns of the export, in order. */
export const ALERT_CSV_COLUMNS = [
  "id",
  "time",
  "symbol",
  "kind",
  "price",
  "notional",
  "threshold",
  "side",
  "source",
  "direction",
  "size",
] as const;

/** The header row, with its line end. */
export const ALERT_CSV_HEADER = `${ALERT_CSV_COLUMNS.join(",")}\r\n`;

/** One field: numbers bare, text quoted, absent empty. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(value) : "";
  }
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** One alert as a CSV row, with its line end. */
export function alertCsvRow(alert: AlertFrame): string {
  return `${
    ALERT_CSV_COLUMNS.map((column) => csvField(alert[column])).join(",")
  }\r\n`;
}
