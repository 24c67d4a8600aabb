/**
 * Number and time formatting for the dashboard. Browser-safe and pure; every
 * function is total (NaN or missing values render as an em dash) because a
 * formatting error must never blank a live panel.
 */
import type { AlertKind } from "../protocol/frames.ts";

const DASH = "—";
/** U+2212: a real minus, as wide as the plus sign in tabular figures. */
const MINUS = "\u2212";

function finite(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * Fraction digits that show a price's movement: 2 above 1 000, 4 above 1,
 * then enough to keep 4 significant digits (1000SATS trades near 0.0003).
 */
export function priceDigits(price: number): number {
  const abs = Math.abs(price);
  if (abs >= 1_000) return 2;
  if (abs >= 1) return 4;
  if (abs === 0) return 2;
  return Math.min(10, 3 - Math.floor(Math.log10(abs)));
}

/**
 * One formatter per digit count, made on first use: `toLocaleString` with
 * options builds a new `Intl.NumberFormat` on every call, which made price
 * formatting the screener's costliest script (a thousand rows a second).
 */
const priceFormats: Intl.NumberFormat[] = [];

/** `63,061.66`, `3,000.1300`, `0.0003412`. */
export function formatPrice(price: number | null | undefined): string {
  if (!finite(price)) return DASH;
  const digits = priceDigits(price);
  const format = priceFormats[digits] ??= new Intl.NumberFormat("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return format.format(price).replace("-", MINUS);
}

/** `+1.23%` / `−0.67%` / `0.00%`: the sign carries the direction in text. */
export function formatPercent(
  value: number | null | undefined,
  digits = 2,
): string {
  if (!finite(value)) return DASH;
  const fixed = Math.abs(value).toFixed(digits);
  if (Number(fixed) === 0) return `${fixed}%`;
  return `${value > 0 ? "+" : MINUS}${fixed}%`;
}

/** `▲` / `▼` / `■` for up, down and flat. */
export function directionArrow(value: number | null | undefined): string {
  if (!finite(value) || value === 0) return "■";
  return value > 0 ? "▲" : "▼";
}

/** `$63.89M`, `$1.2B`, `$950K`, `$12`: compact USDT amounts. */
export function formatUsd(value: number | null | undefined): string {
  const compact = formatCompact(value);
  return compact === DASH
    ? DASH
    : compact.startsWith(MINUS)
    ? `${MINUS}$${compact.slice(1)}`
    : `$${compact}`;
}

/** `63.89M`, `950K`, `12.35`, `0.0042`: compact amounts (sizes, volumes). */
export function formatCompact(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  const abs = Math.abs(value);
  const sign = value < 0 ? MINUS : "";
  const units: [number, string][] = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [
    1e3,
    "K",
  ]];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const scaled = abs / size;
      const digits = scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
      return `${sign}${Number(scaled.toFixed(digits))}${suffix}`;
    }
  }
  if (abs > 0 && abs < 0.01) return `${sign}${Number(abs.toPrecision(2))}`;
  return `${sign}${Number(abs.toFixed(2))}`;
}

/** `50,000,000 USDT`: exact amounts (thresholds). */
export function formatUsdt(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return `${value.toLocaleString("en-US", { maximumFractionDigits: 2 })} USDT`;
}

/** ISO-8601 UTC to the second: `2026-11-24T07:55:37Z`. */
export function formatIsoUtc(time: number | string | Date): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return DASH;
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `07:55:37` UTC (chart axis and tooltip). */
export function formatClockUtc(time: number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return DASH;
  return date.toISOString().slice(11, 19);
}

/** `450 ms`, `12 s`, `3 m 05 s`, `2 h 03 m`, `4 d 06 h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms) || ms < 0) return DASH;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1_000);
  if (s < 60) return `${s} s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${pad(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${pad(m % 60)} m`;
  return `${Math.floor(h / 24)} d ${pad(h % 24)} h`;
}

/** A channel id as people read it: `BTC/USDT`, `BTC/USDT perp`. */
export function pairLabel(id: string): string {
  const perp = id.endsWith("-PERP");
  const pair = perp ? id.slice(0, -5) : id;
  const cut = pair.lastIndexOf("-");
  const label = cut < 0 ? pair : `${pair.slice(0, cut)}/${pair.slice(cut + 1)}`;
  return perp ? `${label} perp` : label;
}

/** What each alert kind means, as the ledgers say it. */
export const ALERT_KIND_LABEL: Readonly<Record<AlertKind, string>> = {
  threshold_crossing: "24 h turnover crossed the line",
  volume_spike: "Volume spike",
  whale_trade: "Whale trade",
  price_level: "Price level",
  liquidation: "Liquidation",
};

/** Plain integers with separators: `12,408`. */
export function formatCount(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return Math.round(value).toLocaleString("en-US");
}
