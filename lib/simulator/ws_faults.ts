/**
 * The faults the simulator can inject into its public WebSocket
 * (`/v5/public/spot`), by name.
 *
 * Each is one way a market-data socket has failed a client in practice:
 * - `close` — the server drops the connection without warning (a close frame
 *   with no status code, which a client sees as 1005). Open connections are
 *   dropped when the fault is set, and new ones right after they open.
 * - `silence` — the connection stays open but the server sends nothing more:
 *   no data, no acks, no pongs. Only a client-side silence timeout notices.
 * - `malformed` — every push cycle also carries one broken frame (cut JSON,
 *   a bad number, a wrong shape, a binary frame, in turn) next to the good
 *   ones.
 * - `refuse` — subscribe requests are answered `success:false`.
 * - `ack-delay:<ms>` — subscriptions take effect at once (data flows) but the
 *   ack comes `ms` later, so data arrives before the ack.
 *
 * Parsed by one zod schema, so the control endpoint, the programmatic API and
 * the environment accept exactly the same spellings.
 */
import { z } from "zod";

/** WebSocket faults without a parameter. */
export const PLAIN_WS_FAULTS = [
  "close",
  "silence",
  "malformed",
  "refuse",
] as const;

/** Name of a WebSocket fault without a parameter. */
export type PlainWsFaultName = typeof PLAIN_WS_FAULTS[number];

/** A parsed WebSocket fault. */
export type WsFault =
  | { readonly kind: PlainWsFaultName }
  /** Send each subscribe ack `ms` late. */
  | { readonly kind: "ack-delay"; readonly ms: number };

/** Longest `ack-delay:<ms>` accepted. */
export const MAX_ACK_DELAY_MS = 600_000;

const PLAIN = new Set<string>(PLAIN_WS_FAULTS);
const ACK_DELAY = /^ack-delay:(\d{1,7})$/;

/** Every accepted spelling, for error messages. */
export const WS_FAULT_NAMES_HELP = [...PLAIN_WS_FAULTS, "ack-delay:<ms>"].join(
  ", ",
);

/** A WebSocket fault name (e.g. `silence`, `ack-delay:500`) parsed. */
export const wsFaultSchema = z.string().trim().transform(
  (raw, ctx): WsFault => {
    if (PLAIN.has(raw)) return { kind: raw as PlainWsFaultName };
    const delay = ACK_DELAY.exec(raw);
    if (delay) {
      const ms = Number(delay[1]);
      if (ms <= MAX_ACK_DELAY_MS) return { kind: "ack-delay", ms };
      ctx.addIssue({
        code: "custom",
        message: `ack-delay must be at most ${MAX_ACK_DELAY_MS} ms, got ${ms}`,
      });
      return z.NEVER;
    }
    ctx.addIssue({
      code: "custom",
      message: `unknown WebSocket fault ${
        JSON.stringify(raw.slice(0, 40))
      }; expected one of ${WS_FAULT_NAMES_HELP}`,
    });
    return z.NEVER;
  },
);

/** Parses a WebSocket fault name; the error text says what is accepted. */
export function parseWsFault(
  raw: string,
): { ok: true; fault: WsFault } | { ok: false; detail: string } {
  const parsed = wsFaultSchema.safeParse(raw);
  if (parsed.success) return { ok: true, fault: parsed.data };
  return { ok: false, detail: parsed.error.issues[0]?.message ?? "invalid" };
}

/** The canonical name of `fault`, as {@linkcode wsFaultSchema} accepts it. */
export function wsFaultName(fault: WsFault): string {
  return fault.kind === "ack-delay" ? `ack-delay:${fault.ms}` : fault.kind;
}
