/**
 * The faults the simulator can inject into `/v5/market/tickers`, by name.
 *
 * Each is one way the real exchange (or the path to it) has failed a client:
 * transport errors, Bybit `retCode` errors, broken bodies and bad items. Names
 * are parsed in one place, by a zod schema, so the query parameter, the
 * header, the environment and the control endpoint accept exactly the same
 * spellings.
 */
import { z } from "zod";

/** Faults without a parameter. */
export const PLAIN_FAULTS = [
  "http500",
  "http502",
  "http503",
  "http403",
  "http429",
  "retcode10000",
  "retcode10001",
  "retcode10006",
  "retcode10016",
  "timeout",
  "malformed",
  "missing-field",
  "empty-field",
  "bad-number",
  "null-list",
  "empty-list",
] as const;

/** Name of a fault without a parameter. */
export type PlainFaultName = typeof PLAIN_FAULTS[number];

/** A parsed fault. */
export type Fault =
  | { readonly kind: PlainFaultName }
  /** Delay the normal answer by `ms`. */
  | { readonly kind: "latency"; readonly ms: number }
  /** Leave `symbol` out of the list, as if the exchange delisted it. */
  | { readonly kind: "unlisted"; readonly symbol: string };

/** Longest `latency:<ms>` accepted: past any sane client timeout. */
export const MAX_LATENCY_MS = 600_000;

const PLAIN = new Set<string>(PLAIN_FAULTS);
const LATENCY = /^latency:(\d{1,7})$/;
const UNLISTED = /^unlisted:([A-Za-z0-9]{1,32})$/;

/** Every accepted spelling, for error messages. */
export const FAULT_NAMES_HELP = [
  ...PLAIN_FAULTS,
  "latency:<ms>",
  "unlisted:<SYMBOL>",
].join(", ");

/** A fault name (e.g. `http503`, `latency:2000`) parsed to a {@linkcode Fault}. */
export const faultSchema = z.string().trim().transform(
  (raw, ctx): Fault => {
    if (PLAIN.has(raw)) return { kind: raw as PlainFaultName };
    const latency = LATENCY.exec(raw);
    if (latency) {
      const ms = Number(latency[1]);
      if (ms <= MAX_LATENCY_MS) return { kind: "latency", ms };
      ctx.addIssue({
        code: "custom",
        message: `latency must be at most ${MAX_LATENCY_MS} ms, got ${ms}`,
      });
      return z.NEVER;
    }
    const unlisted = UNLISTED.exec(raw);
    if (unlisted) {
      return { kind: "unlisted", symbol: unlisted[1].toUpperCase() };
    }
    ctx.addIssue({
      code: "custom",
      message: `unknown fault ${
        JSON.stringify(raw.slice(0, 40))
      }; expected one of ${FAULT_NAMES_HELP}`,
    });
    return z.NEVER;
  },
);

/** Parses a fault name; the error text says what is accepted. */
export function parseFault(
  raw: string,
): { ok: true; fault: Fault } | { ok: false; detail: string } {
  const parsed = faultSchema.safeParse(raw);
  if (parsed.success) return { ok: true, fault: parsed.data };
  return { ok: false, detail: parsed.error.issues[0]?.message ?? "invalid" };
}

/** The canonical name of `fault`, as {@linkcode faultSchema} accepts it. */
export function faultName(fault: Fault): string {
  switch (fault.kind) {
    case "latency":
      return `latency:${fault.ms}`;
    case "unlisted":
      return `unlisted:${fault.symbol}`;
    default:
      return fault.kind;
  }
}
