/**
 * The faults the simulator can inject into `/v5/market/tickers`, by name.
 *
 * Each is one way the real exchange (or the path to it) has failed a client:
 * transport errors, Bybit `retCode` errors, broken bodies and bad items. Names
 * are parsed in one place, by a zod schema (see `fault_grammar.ts`), so the
 * query parameter, the header, the environment and the control endpoint
 * accept exactly the same spellings.
 */
import type { z } from "zod";
import {
  type ArgumentSpelling,
  delaySpelling,
  type FaultParse,
  faultVocabulary,
} from "./fault_grammar.ts";

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

/** A fault with an argument. */
type ArgumentFault =
  /** Delay the normal answer by `ms`. */
  | { readonly kind: "latency"; readonly ms: number }
  /** Leave `symbol` out of the list, as if the exchange delisted it. */
  | { readonly kind: "unlisted"; readonly symbol: string };

/** A parsed fault. */
export type Fault = { readonly kind: PlainFaultName } | ArgumentFault;

/** Longest `latency:<ms>` accepted: past any sane client timeout. */
export const MAX_LATENCY_MS = 600_000;

const UNLISTED = /^unlisted:([A-Za-z0-9]{1,32})$/;

const unlisted: ArgumentSpelling<Extract<Fault, { kind: "unlisted" }>> = {
  kind: "unlisted",
  help: "unlisted:<SYMBOL>",
  read(raw) {
    const match = UNLISTED.exec(raw);
    return match
      ? { kind: "unlisted", symbol: match[1].toUpperCase() }
      : undefined;
  },
  name: (fault) => `unlisted:${fault.symbol}`,
};

const vocabulary = faultVocabulary<PlainFaultName, ArgumentFault>({
  noun: "fault",
  plain: PLAIN_FAULTS,
  spellings: [delaySpelling("latency", MAX_LATENCY_MS), unlisted],
});

/** Every accepted spelling, for error messages. */
export const FAULT_NAMES_HELP: string = vocabulary.help;

/** A fault name (e.g. `http503`, `latency:2000`) parsed to a {@linkcode Fault}. */
export const faultSchema: z.ZodType<Fault, string> = vocabulary.schema;

/** Parses a fault name; the error text says what is accepted. */
export function parseFault(raw: string): FaultParse<Fault> {
  return vocabulary.parse(raw);
}

/** The canonical name of `fault`, as {@linkcode faultSchema} accepts it. */
export function faultName(fault: Fault): string {
  return vocabulary.name(fault);
}
