/**
 * How a fault is spelled, for both of the simulator's fault vocabularies
 * (tickers faults in `faults.ts`, WebSocket faults in `ws_faults.ts`): plain
 * names, and names with an argument such as `latency:<ms>`. One zod schema per
 * vocabulary parses them, so the query parameter, the header, the environment
 * and the control endpoint accept exactly the same spellings; the canonical
 * name of a parsed fault is what the state report shows.
 */
import { z } from "zod";

/** A fault as parsed: its kind, plus any argument. */
export interface FaultShape {
  /** Which fault, e.g. `http503` or `latency`. */
  readonly kind: string;
}

/** A spelling with an argument, e.g. `latency:<ms>`. */
export interface ArgumentSpelling<F extends FaultShape> {
  /** The kind it parses to, e.g. `latency`. */
  readonly kind: F["kind"];
  /** How help texts show it, e.g. `latency:<ms>`. */
  readonly help: string;
  /**
   * The fault `raw` names: undefined when `raw` is not this spelling, a
   * `{ problem }` when it is but the argument is refused.
   */
  read(raw: string): F | { readonly problem: string } | undefined;
  /** The canonical name of `fault` (of this kind). */
  name(fault: F): string;
}

/** The longest delay argument accepted, in digits (up to 9,999,999 ms). */
const DELAY = /^(\d{1,7})$/;

/** `<kind>:<ms>`, a whole number of milliseconds up to `maxMs`. */
export function delaySpelling<K extends string>(
  kind: K,
  maxMs: number,
): ArgumentSpelling<{ readonly kind: K; readonly ms: number }> {
  return {
    kind,
    help: `${kind}:<ms>`,
    read(raw) {
      if (!raw.startsWith(`${kind}:`)) return undefined;
      const digits = DELAY.exec(raw.slice(kind.length + 1));
      if (!digits) return undefined;
      const ms = Number(digits[1]);
      return ms <= maxMs
        ? { kind, ms }
        : { problem: `${kind} must be at most ${maxMs} ms, got ${ms}` };
    },
    name: (fault) => `${kind}:${fault.ms}`,
  };
}

/** The outcome of parsing one fault name. */
export type FaultParse<F> =
  | { ok: true; fault: F }
  | { ok: false; detail: string };

/** Options of {@linkcode faultVocabulary}. */
export interface FaultVocabularyOptions<
  P extends string,
  F extends FaultShape,
> {
  /** What an unknown name is called in the error, e.g. `WebSocket fault`. */
  readonly noun: string;
  /** Names without an argument. */
  readonly plain: readonly P[];
  /** Names with one. */
  readonly spellings: readonly ArgumentSpelling<F>[];
}

/** A vocabulary of faults `T`: its schema, help text, parsing and naming. */
export interface FaultVocabulary<T extends FaultShape> {
  /** Every accepted spelling, for error messages. */
  readonly help: string;
  /** Parses a name (surrounding blanks ignored) to a fault. */
  readonly schema: z.ZodType<T, string>;
  /** Parses a name; the error text says what is accepted. */
  parse(raw: string): FaultParse<T>;
  /** The canonical name of `fault`, as `schema` accepts it. */
  name(fault: T): string;
}

/** The vocabulary of the plain names and the argument spellings given. */
export function faultVocabulary<P extends string, F extends FaultShape>(
  options: FaultVocabularyOptions<P, F>,
): FaultVocabulary<{ readonly kind: P } | F> {
  type Parsed = { readonly kind: P } | F;
  const plain = new Set<string>(options.plain);
  const help = [
    ...options.plain,
    ...options.spellings.map((s) => s.help),
  ].join(", ");
  const schema = z.string().trim().transform((raw, ctx): Parsed => {
    if (plain.has(raw)) return { kind: raw as P };
    for (const spelling of options.spellings) {
      const read = spelling.read(raw);
      if (read === undefined) continue;
      if ("problem" in read) {
        ctx.addIssue({ code: "custom", message: read.problem });
        return z.NEVER;
      }
      return read;
    }
    ctx.addIssue({
      code: "custom",
      message: `unknown ${options.noun} ${
        JSON.stringify(raw.slice(0, 40))
      }; expected one of ${help}`,
    });
    return z.NEVER;
  });
  return {
    help,
    schema,
    parse(raw: string): FaultParse<Parsed> {
      const parsed = schema.safeParse(raw);
      if (parsed.success) return { ok: true, fault: parsed.data };
      return {
        ok: false,
        detail: parsed.error.issues[0]?.message ?? "invalid",
      };
    },
    name(fault: Parsed): string {
      const spelling = options.spellings.find((s) => s.kind === fault.kind);
      return spelling ? spelling.name(fault as F) : fault.kind;
    },
  };
}
