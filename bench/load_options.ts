/**
 * Command-line options of the load generator, validated with zod.
 *
 * Every phase of a run is bounded (readiness, handshakes, window, drain) and
 * a hard deadline caps the whole process, so a benchmark can never hang a
 * shared machine. Errors name the flag and the value.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { LOAD_CLIENTS } from "./net_websocket.ts";

/**
 * `--client`: the generators' WebSocket client, `net` by default. Shared by
 * the generator's flags and `deno task bench`'s, which hands it on.
 */
export const loadClientSchema = z.enum(LOAD_CLIENTS, {
  error: `Flag --client must be one of ${LOAD_CLIENTS.join(", ")}`,
}).default("net");

/**
 * V8 flags for a service process, as `deno run --v8-flags=…` takes them
 * (comma-separated `--name` or `--name=value`): what both orchestrators pass
 * to the service alone, never to the load generator or the peers. `subject`
 * starts the error message (`Flag --service-v8-flags`, or `V8 flags` where
 * the caller already names the flag).
 */
export function serviceV8FlagsSchema(subject: string) {
  return z.string().regex(
    /^--[a-z0-9-]+(=[0-9a-z-]+)?(,--[a-z0-9-]+(=[0-9a-z-]+)?)*$/,
    `${subject} must be comma-separated --name or --name=value`,
  );
}

/** Kinds of server the generator can load, i.e. which wire protocol to speak. */
export const TARGET_KINDS = ["sentinel", "bare", "ws", "socketio"] as const;

/** One of {@linkcode TARGET_KINDS}. */
export type TargetKind = typeof TARGET_KINDS[number];

/** The four symbols every target streams. */
export const DEFAULT_SYMBOLS = [
  "BTC-USDT",
  "ETH-USDT",
  "SOL-USDT",
  "1000SATS-USDT",
] as const;

/** Longest wait after the handshakes for every socket to stream, seconds. */
export const WARMUP_LIMIT_S = 10;

/**
 * Handshake time budgeted per concurrency slot when the ramp is bounded by
 * `--ramp-concurrency` rather than `--ramp-rate`: on a saturated machine a
 * handshake takes up to about a second (measured at 10,000 subscribers on two
 * cores), so the default deadline allows twice that.
 */
export const RAMP_SECONDS_PER_HANDSHAKE = 2;

/** Most sockets one generator process opens (the machine's fd limit is 20,000). */
export const MAX_CONNECTIONS = 15_000;

const seconds = (flag: string, min: number, max: number) =>
  z.coerce.number({ error: `Flag --${flag} must be a number of seconds` })
    .refine((n) => Number.isFinite(n) && n >= min && n <= max, {
      error: `Flag --${flag} must be from ${min} to ${max} seconds`,
    });

const loadOptionsSchema = z.object({
  target: z.enum(TARGET_KINDS, {
    error: `Flag --target must be one of ${TARGET_KINDS.join(", ")}`,
  }),
  url: z.string({ error: "Flag --url is required" }).refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" &&
        ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    } catch {
      return false;
    }
  }, {
    error:
      "Flag --url must be an http:// URL on the loopback interface (127.0.0.1, localhost or [::1])",
  }),
  connections: z.coerce.number({ error: "Flag --connections must be a number" })
    .int({ error: "Flag --connections must be an integer" })
    .min(1, {
      error: `Flag --connections must be from 1 to ${MAX_CONNECTIONS}`,
    })
    .max(MAX_CONNECTIONS, {
      error: `Flag --connections must be from 1 to ${MAX_CONNECTIONS}`,
    }),
  symbols: z.string().default(DEFAULT_SYMBOLS.join(",")).transform(
    (raw, ctx) => {
      const list = raw.split(",").map((s) => s.trim()).filter(Boolean);
      const bad = list.find((s) => !/^[A-Za-z0-9-]{1,32}$/.test(s));
      if (list.length === 0 || bad !== undefined) {
        ctx.addIssue({
          code: "custom",
          message:
            `Flag --symbols must be a comma-separated list of symbols, got ${
              JSON.stringify(raw)
            }`,
        });
        return z.NEVER;
      }
      if (new Set(list).size !== list.length) {
        ctx.addIssue({
          code: "custom",
          message: `Flag --symbols has a duplicate: ${JSON.stringify(raw)}`,
        });
        return z.NEVER;
      }
      return list;
    },
  ),
  muxRatio: z.coerce.number({ error: "Flag --mux-ratio must be a number" })
    .min(0, { error: "Flag --mux-ratio must be from 0 to 1" })
    .max(1, { error: "Flag --mux-ratio must be from 0 to 1" })
    .default(0),
  rampConcurrency: z.coerce.number({
    error: "Flag --ramp-concurrency must be a number",
  }).int({ error: "Flag --ramp-concurrency must be an integer" })
    .min(1, { error: "Flag --ramp-concurrency must be from 1 to 5000" })
    .max(5_000, { error: "Flag --ramp-concurrency must be from 1 to 5000" })
    .default(100),
  rampRate: z.coerce.number({ error: "Flag --ramp-rate must be a number" })
    .refine((n) => Number.isFinite(n) && n > 0 && n <= 100_000, {
      error: "Flag --ramp-rate must be from above 0 to 100000 handshakes/s",
    })
    .default(2_000),
  handshakeTimeout: seconds("handshake-timeout", 0.1, 120).default(15),
  readyTimeout: seconds("ready-timeout", 0.1, 300).default(30),
  duration: seconds("duration", 1, 3_600).default(10),
  drain: seconds("drain", 0, 60).default(2),
  deadline: seconds("deadline", 1, 7_200).optional(),
  client: loadClientSchema,
}).superRefine((options, ctx) => {
  if (options.muxRatio > 0 && options.target !== "sentinel") {
    ctx.addIssue({
      code: "custom",
      path: ["muxRatio"],
      message:
        `Flag --mux-ratio applies to --target=sentinel only (the peers have no multiplexed route), got ${options.muxRatio} with --target=${options.target}`,
    });
  }
}).transform((options) => ({
  ...options,
  // The hard deadline defaults to the sum of every phase plus a margin.
  deadline: options.deadline ??
    options.readyTimeout + rampBudget(options) + options.handshakeTimeout +
      WARMUP_LIMIT_S + options.duration + options.drain + 30,
}));

/** Seconds the ramp may take: paced by the rate, or by the concurrency slots. */
function rampBudget(
  options: { connections: number; rampRate: number; rampConcurrency: number },
): number {
  return options.connections / options.rampRate +
    options.connections / options.rampConcurrency * RAMP_SECONDS_PER_HANDSHAKE;
}

/** Validated load generator options; durations are in seconds. */
export type LoadOptions = z.output<typeof loadOptionsSchema>;

/** A bad command line; the message lists every problem, one per line. */
export class OptionsError extends Error {
  /** `problems`: one message per bad flag. */
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "OptionsError";
  }
}

const FLAGS = {
  target: "target",
  url: "url",
  connections: "connections",
  symbols: "symbols",
  "mux-ratio": "muxRatio",
  "ramp-concurrency": "rampConcurrency",
  "ramp-rate": "rampRate",
  "handshake-timeout": "handshakeTimeout",
  "ready-timeout": "readyTimeout",
  duration: "duration",
  drain: "drain",
  deadline: "deadline",
  client: "client",
} as const;

/**
 * Parses `--flag=value` arguments into {@linkcode LoadOptions}.
 * Throws {@linkcode OptionsError} naming each bad or unknown flag.
 */
export function parseLoadOptions(args: readonly string[]): LoadOptions {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.keys(FLAGS).map((flag) => [flag, { type: "string" as const }]),
      ),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new OptionsError([(error as Error).message]);
  }
  const input: Record<string, string> = {};
  for (const [flag, key] of Object.entries(FLAGS)) {
    const value = values[flag];
    if (value !== undefined) input[key] = value;
  }
  const parsed = loadOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new OptionsError(parsed.error.issues.map((issue) => {
      const key = issue.path[0];
      const raw = typeof key === "string" ? input[key] : undefined;
      return raw === undefined || issue.message.includes(", got ")
        ? issue.message
        : `${issue.message}, got ${JSON.stringify(raw)}`;
    }));
  }
  return parsed.data;
}

/** The inverse of {@linkcode parseLoadOptions}, for spawning a generator. */
export function loadOptionsToArgs(
  options: Partial<Omit<LoadOptions, "symbols">> & {
    readonly symbols?: readonly string[];
  },
): string[] {
  const args: string[] = [];
  for (const [flag, key] of Object.entries(FLAGS)) {
    const value = options[key];
    if (value === undefined) continue;
    args.push(
      `--${flag}=${Array.isArray(value) ? value.join(",") : String(value)}`,
    );
  }
  return args;
}
