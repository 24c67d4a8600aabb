/**
 * Flags of `deno task bench`, validated with zod. Defaults give the
 * comparison the product's performance goals call for (1,000 and 4,000
 * subscribers, 20 ticks/s per symbol); `--dry-run` shrinks it to a quick
 * development check.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  loadClientSchema,
  MAX_CONNECTIONS,
  OptionsError,
  serviceV8FlagsSchema,
} from "./load_options.ts";
import { BENCH_TARGETS, type BenchTarget } from "./bench_targets.ts";
import { CORE_MODES, type CoreMode } from "./core_split.ts";
import type { LoadClient } from "./net_websocket.ts";

/** Subscriber counts and window of a `--dry-run`. */
export const DRY_RUN = { subscribers: [50], duration: 5 } as const;

const benchSchema = z.object({
  subscribers: z.string().default("1000,4000").transform((raw, ctx) => {
    const list = raw.split(",").map((s) => s.trim()).filter(Boolean).map(
      Number,
    );
    if (
      list.length === 0 ||
      list.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_CONNECTIONS)
    ) {
      ctx.addIssue({
        code: "custom",
        message:
          `Flag --subscribers must be a comma-separated list of integers from 1 to ${MAX_CONNECTIONS}, got ${
            JSON.stringify(raw)
          }`,
      });
      return z.NEVER;
    }
    return list;
  }),
  with10k: z.boolean().default(false),
  duration: z.coerce.number({ error: "Flag --duration must be a number" })
    .refine((n) => Number.isFinite(n) && n >= 1 && n <= 600, {
      error: "Flag --duration must be from 1 to 600 seconds",
    }).default(20),
  only: z.string().default(BENCH_TARGETS.join(",")).transform((raw, ctx) => {
    const list = raw.split(",").map((s) => s.trim()).filter(Boolean);
    const bad = list.filter((t) =>
      !(BENCH_TARGETS as readonly string[]).includes(t)
    );
    if (list.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `Flag --only takes targets from ${
          BENCH_TARGETS.join(", ")
        }, got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    }
    // Run in the canonical order, the service first, whatever was typed.
    return BENCH_TARGETS.filter((t) => list.includes(t));
  }),
  rate: z.coerce.number({ error: "Flag --rate must be a number" })
    .refine((n) => Number.isFinite(n) && n > 0 && n <= 200, {
      error: "Flag --rate must be from above 0 to 200 ticks/s per symbol",
    }).default(20),
  repeat: z.coerce.number({ error: "Flag --repeat must be a number" })
    .int({ error: "Flag --repeat must be an integer" })
    .min(1, { error: "Flag --repeat must be from 1 to 9" })
    .max(9, { error: "Flag --repeat must be from 1 to 9" })
    .default(1),
  muxRatio: z.coerce.number({ error: "Flag --mux-ratio must be a number" })
    .min(0, { error: "Flag --mux-ratio must be from 0 to 1" })
    .max(1, { error: "Flag --mux-ratio must be from 0 to 1" })
    .default(0),
  cluster: z.coerce.number({ error: "Flag --cluster must be a number" })
    .int({ error: "Flag --cluster must be an integer" })
    .min(2, { error: "Flag --cluster must be from 2 to 8 instances" })
    .max(8, { error: "Flag --cluster must be from 2 to 8 instances" })
    .optional(),
  generators: z.coerce.number({ error: "Flag --generators must be a number" })
    .int({ error: "Flag --generators must be an integer" })
    .min(1, { error: "Flag --generators must be from 1 to 4 processes" })
    .max(4, { error: "Flag --generators must be from 1 to 4 processes" })
    .default(1),
  serviceV8Flags: serviceV8FlagsSchema("Flag --service-v8-flags").optional(),
  client: loadClientSchema,
  cores: z.enum(CORE_MODES, {
    error: `Flag --cores must be one of ${CORE_MODES.join(", ")}`,
  }).default("split"),
  resultsDir: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  help: z.boolean().default(false),
});

/** Validated `deno task bench` settings. */
export interface BenchOptions {
  /** Subscriber counts, ascending, each run against every target. */
  readonly subscribers: readonly number[];
  /** Measurement window per run, seconds. */
  readonly duration: number;
  readonly targets: readonly BenchTarget[];
  /** Ticks per second per symbol, for the peers and the service alike. */
  readonly rate: number;
  /** Runs of every target at every count; the table shows their medians. */
  readonly repeat: number;
  /** Share of the service's sockets on the multiplexed route (all symbols). */
  readonly muxRatio: number;
  /**
   * Also run the service as this many instances on a Redis engine, sharing
   * one port, after the single-instance run at each count.
   */
  readonly cluster?: number;
  /**
   * Load generator processes per run, the subscribers split between them
   * and their summaries merged (`load_merge.ts`): one process is one event
   * loop, and at 10,000 subscribers one was the bottleneck.
   */
  readonly generators: number;
  /** V8 flags for the service's processes (`sentinel`, `sentinel-deno`, cluster). */
  readonly serviceV8Flags?: string;
  /** The generators' WebSocket client (`net_websocket.ts`). */
  readonly client: LoadClient;
  /** Servers on their own CPUs (`split`) or sharing them (`core_split.ts`). */
  readonly cores: CoreMode;
  /** Where the JSON report goes. */
  readonly resultsDir: string;
  readonly dryRun: boolean;
  readonly help: boolean;
}

/** Usage text for `--help`. */
export const BENCH_USAGE = `Usage: deno task bench [flags]
  --subscribers=1000,4000  subscriber counts to run (each against every target)
  --with-10k               also run 10,000 subscribers
  --duration=20            measurement window per run, seconds (1-600)
  --only=${BENCH_TARGETS.join(",")}  targets to run
  --rate=20                ticks/s per symbol for every target
  --repeat=1               runs of each target per count, interleaved (1-9);
                           the table shows medians, the JSON every run
  --mux-ratio=0            share of the service's sockets on /ws/stream with
                           every symbol (the peers have no such route)
  --cluster=N              also run N service instances (Redis engine, one
                           shared port) beside the single-instance run (2-8)
  --generators=1           load generator processes per run (1-4), the
                           subscribers split between them, figures merged
  --cores=split            split: each target's server processes on the first
                           half of the CPUs, the generators and the simulator
                           on the rest (taskset); shared: all on every CPU
  --client=net             the generators' WebSocket client: net (node:net,
                           reads a backlog in arrival order) or websocket
                           (the runtime's WebSocket)
  --service-v8-flags=--max-semi-space-size=8
                           V8 flags for the service's processes only (the
                           peers and the generator keep the defaults)
  --results-dir=DIR        where the JSON report goes (default bench/results,
                           bench/results/dry-run with --dry-run)
  --dry-run                small settings for development: ${
  DRY_RUN.subscribers[0]
} subscribers, ${DRY_RUN.duration} s
  --help                   this text`;

/**
 * Parses the orchestrator's flags. Explicit flags win over `--dry-run`'s
 * small defaults. Throws {@linkcode OptionsError} naming each bad flag.
 */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        subscribers: { type: "string" },
        "with-10k": { type: "boolean" },
        duration: { type: "string" },
        only: { type: "string" },
        rate: { type: "string" },
        repeat: { type: "string" },
        "mux-ratio": { type: "string" },
        cluster: { type: "string" },
        generators: { type: "string" },
        "service-v8-flags": { type: "string" },
        client: { type: "string" },
        cores: { type: "string" },
        "results-dir": { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new OptionsError([(error as Error).message]);
  }
  const dryRun = values["dry-run"] === true;
  const parsed = benchSchema.safeParse({
    subscribers: values.subscribers ??
      (dryRun ? DRY_RUN.subscribers.join(",") : undefined),
    with10k: values["with-10k"],
    duration: values.duration ??
      (dryRun ? String(DRY_RUN.duration) : undefined),
    only: values.only,
    rate: values.rate,
    repeat: values.repeat,
    muxRatio: values["mux-ratio"],
    cluster: values.cluster,
    generators: values.generators,
    serviceV8Flags: values["service-v8-flags"],
    client: values.client,
    cores: values.cores,
    resultsDir: values["results-dir"],
    dryRun,
    help: values.help,
  });
  if (!parsed.success) {
    throw new OptionsError(parsed.error.issues.map((issue) => issue.message));
  }
  const o = parsed.data;
  const counts = new Set(o.subscribers);
  if (o.with10k) counts.add(10_000);
  return {
    subscribers: [...counts].sort((a, b) => a - b),
    duration: o.duration,
    targets: o.only,
    rate: o.rate,
    repeat: o.repeat,
    muxRatio: o.muxRatio,
    cluster: o.cluster,
    generators: o.generators,
    ...(o.serviceV8Flags ? { serviceV8Flags: o.serviceV8Flags } : {}),
    client: o.client,
    cores: o.cores,
    resultsDir: o.resultsDir ??
      (o.dryRun ? "bench/results/dry-run" : "bench/results"),
    dryRun: o.dryRun,
    help: o.help,
  };
}
