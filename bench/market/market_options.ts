/**
 * Flags of `deno task bench:market` (the orchestrator) and of its load
 * generator, validated with zod: defaults are the issue's scenario — 600
 * spot pairs pushed every 50 ms with their trades, 400 perpetuals every
 * 100 ms with liquidations, 100 overview and 1,000 detail subscribers.
 */
import { z } from "zod";
import { serviceV8FlagsSchema } from "../load_options.ts";

/** A bad flag: the message names it and what is expected. */
export class MarketOptionsError extends Error {
  /** `message` lists every bad flag, one per line. */
  constructor(message: string) {
    super(message);
    this.name = "MarketOptionsError";
  }
}

const count = (fallback: number, max: number) =>
  z.coerce.number().int().min(0).max(max).default(fallback);

/** The orchestrator's flags. */
export const marketBenchSchema = z.strictObject({
  /** Synthetic spot pairs listed beside the six real-looking ones. */
  symbols: count(600, 5_000),
  /** Synthetic perpetuals listed beside the five majors (395 + 5 = 400). */
  perps: count(395, 5_000),
  /** Market overview subscribers (`/ws/market`). */
  overview: count(100, 20_000),
  /** Detail subscribers (`/ws/stream`), each following `detailSymbols`. */
  detail: count(1_000, 20_000),
  /**
   * Symbols each detail subscriber follows: one (a page's detail view), so
   * 1,000 subscribers are spread about one per symbol.
   */
  detailSymbols: count(1, 32),
  /** Measured window, seconds (600 for the 10-minute RSS soak). */
  duration: z.coerce.number().positive().max(7_200).default(60),
  /** Seconds between RSS samples in the window. */
  rssEvery: z.coerce.number().positive().default(10),
  /** Seconds of the screener page check (0 skips it). */
  page: z.coerce.number().min(0).max(3_600).default(60),
  /**
   * V8 flags for the service, as `deno run --v8-flags=…` takes them, after
   * the ones `deno task start` sets (a later value of a flag wins).
   */
  v8Flags: serviceV8FlagsSchema("V8 flags").optional(),
  /**
   * What to run: `all` (the default), or `screener` for the screener page
   * check alone against the simulator and the service, without the load
   * generator's subscribers (the page's own work, measured quickly).
   */
  only: z.enum(["all", "screener"]).default("all"),
  /**
   * CPU profiles (`--cpu-prof`) of the service, written to
   * bench/results/profile/, and of the simulator, to its `simulator/`.
   */
  profile: z.enum(["true", "false"]).transform((v) => v === "true")
    .default(false),
});

/** Parsed orchestrator flags. */
export type MarketBenchOptions = z.infer<typeof marketBenchSchema>;

/** The load generator's flags. */
export const marketLoadSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  overview: count(100, 20_000),
  detail: count(1_000, 20_000),
  detailSymbols: count(1, 32),
  /** Channel ids to spread the detail subscribers over, comma-separated. */
  channels: z.string().min(1).transform((s) => s.split(",")),
  /** Seconds to measure, after every socket is open. */
  duration: z.coerce.number().positive().max(7_200).default(60),
});

/** Parsed load generator flags. */
export type MarketLoadOptions = z.infer<typeof marketLoadSchema>;

/** `--name=value` flags (kebab-case names) to an object, then `schema`. */
export function parseFlags<T>(
  args: readonly string[],
  schema: z.ZodType<T>,
): T {
  const raw: Record<string, string> = {};
  for (const arg of args) {
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new MarketOptionsError(`${arg}: expected --name=value`);
    const name = match[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    raw[name] = match[2] ?? "true";
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new MarketOptionsError(
    parsed.error.issues.map((i) =>
      `--${
        i.path.join(".").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
      }: ${i.message}`
    ).join(
      "\n",
    ),
  );
}
