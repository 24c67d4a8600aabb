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
 * - `mute` — the connection stays open and keeps answering pings (and
 *   subscribe requests), but sends no more data. Pongs prove the socket, not
 *   the feed: only a client that watches for data notices.
 * - `malformed` — every push cycle also carries one broken frame (cut JSON,
 *   a bad number, a wrong shape, a binary frame, in turn) next to the good
 *   ones.
 * - `refuse` — subscribe requests are answered `success:false`.
 * - `ack-delay:<ms>` — subscriptions take effect at once (data flows) but the
 *   ack comes `ms` later, so data arrives before the ack.
 *
 * Parsed by one zod schema (see `fault_grammar.ts`), so the control endpoint,
 * the programmatic API and the environment accept exactly the same spellings.
 */
import type { z } from "zod";
import {
  delaySpelling,
  type FaultParse,
  faultVocabulary,
} from "./fault_grammar.ts";

/** WebSocket faults without a parameter. */
export const PLAIN_WS_FAULTS = [
  "close",
  "silence",
  "mute",
  "malformed",
  "refuse",
] as const;

/** Name of a WebSocket fault without a parameter. */
export type PlainWsFaultName = typeof PLAIN_WS_FAULTS[number];

/** A WebSocket fault with an argument: send each subscribe ack `ms` late. */
type AckDelayFault = { readonly kind: "ack-delay"; readonly ms: number };

/** A parsed WebSocket fault. */
export type WsFault = { readonly kind: PlainWsFaultName } | AckDelayFault;

/** Longest `ack-delay:<ms>` accepted. */
export const MAX_ACK_DELAY_MS = 600_000;

const vocabulary = faultVocabulary<PlainWsFaultName, AckDelayFault>({
  noun: "WebSocket fault",
  plain: PLAIN_WS_FAULTS,
  spellings: [delaySpelling("ack-delay", MAX_ACK_DELAY_MS)],
});

/** Every accepted spelling, for error messages. */
export const WS_FAULT_NAMES_HELP: string = vocabulary.help;

/** A WebSocket fault name (e.g. `silence`, `ack-delay:500`) parsed. */
export const wsFaultSchema: z.ZodType<WsFault, string> = vocabulary.schema;

/** Parses a WebSocket fault name; the error text says what is accepted. */
export function parseWsFault(raw: string): FaultParse<WsFault> {
  return vocabulary.parse(raw);
}

/** The canonical name of `fault`, as {@linkcode wsFaultSchema} accepts it. */
export function wsFaultName(fault: WsFault): string {
  return vocabulary.name(fault);
}
