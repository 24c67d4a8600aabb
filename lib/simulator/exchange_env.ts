/**
 * The simulator's environment (`SIM_*`), validated with zod into options for
 * `startExchange`, or one problem per bad variable.
 */
import { z } from "zod";
import { describeEnvIssues } from "../config/env_problems.ts";
import { type Fault, faultSchema } from "./faults.ts";
import { type WsFault, wsFaultSchema } from "./ws_faults.ts";
import { MAX_SYNTHETIC_SYMBOLS } from "./synthetic_specs.ts";

/** Variables read by the CLI, with their defaults in the schema below. */
export const EXCHANGE_ENV_NAMES = [
  "SIM_PORT",
  "SIM_HOSTNAME",
  "SIM_SEED",
  "SIM_FAULT",
  "SIM_FAULT_RATE",
  "SIM_WS_FAULT",
  "SIM_WS_PUSH_MS",
  "SIM_LINEAR_PUSH_MS",
  "SIM_SYMBOLS",
  "SIM_PERP_SYMBOLS",
] as const;

const blankAsUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const integer = (min: number, max: number, fallback: number) => {
  const error = `expected an integer from ${min} to ${max}`;
  return z.preprocess(
    blankAsUndefined,
    z.coerce.number({ error }).int({ error }).min(min, { error })
      .max(max, { error }).default(fallback),
  );
};

/** The `SIM_*` variables; keys are the variable names. */
export const exchangeEnvSchema = z.object({
  SIM_PORT: integer(0, 65535, 9010),
  SIM_HOSTNAME: z.preprocess(
    blankAsUndefined,
    z.string().regex(/^[A-Za-z0-9.:\-\[\]]+$/, {
      error: "expected a host name or IP address",
    }).default("127.0.0.1"),
  ),
  SIM_SEED: integer(-2147483648, 4294967295, 42),
  SIM_FAULT: z.preprocess(blankAsUndefined, faultSchema.optional()),
  SIM_FAULT_RATE: z.preprocess(
    blankAsUndefined,
    z.coerce.number({ error: "expected a probability from 0 to 1" })
      .min(0, { error: "expected a probability from 0 to 1" })
      .max(1, { error: "expected a probability from 0 to 1" })
      .optional(),
  ),
  SIM_WS_FAULT: z.preprocess(blankAsUndefined, wsFaultSchema.optional()),
  SIM_WS_PUSH_MS: integer(1, 60_000, 50),
  SIM_LINEAR_PUSH_MS: integer(1, 60_000, 100),
  SIM_SYMBOLS: integer(0, MAX_SYNTHETIC_SYMBOLS, 0),
  SIM_PERP_SYMBOLS: z.preprocess(
    blankAsUndefined,
    z.coerce.number({
      error: `expected an integer from 0 to ${MAX_SYNTHETIC_SYMBOLS}`,
    }).int().min(0).max(MAX_SYNTHETIC_SYMBOLS).optional(),
  ),
}).refine((env) => env.SIM_FAULT_RATE === undefined || env.SIM_FAULT, {
  error: "has no effect without SIM_FAULT",
  path: ["SIM_FAULT_RATE"],
}).refine(
  (env) =>
    env.SIM_PERP_SYMBOLS === undefined ||
    env.SIM_PERP_SYMBOLS <= env.SIM_SYMBOLS,
  {
    error: "can list perpetuals only of synthetic pairs: at most SIM_SYMBOLS",
    path: ["SIM_PERP_SYMBOLS"],
  },
);

/** What the CLI starts the simulator with. */
export interface ExchangeEnv {
  readonly hostname: string;
  readonly port: number;
  readonly seed: number;
  readonly fault?: Fault;
  readonly faultRate?: number;
  /** Standing WebSocket fault (`SIM_WS_FAULT`). */
  readonly wsFault?: WsFault;
  /** WebSocket push interval, ms (`SIM_WS_PUSH_MS`, default 50). */
  readonly wsPushIntervalMs: number;
  /** Linear push interval, ms (`SIM_LINEAR_PUSH_MS`, default 100). */
  readonly linearPushIntervalMs: number;
  /** Synthetic spot pairs (`SIM_SYMBOLS`, default 0). */
  readonly syntheticSymbols: number;
  /** Of those, listed as perpetuals too (`SIM_PERP_SYMBOLS`, default 2 in 3). */
  readonly syntheticPerps?: number;
}

/** Result of {@linkcode parseExchangeEnv}. */
export type ExchangeEnvResult =
  | { ok: true; env: ExchangeEnv }
  | { ok: false; problems: string[] };

/**
 * Validates `env` (variable → raw string). Problems read
 * `NAME: what is wrong (got "value")`, one per bad variable; the options fit
 * `startExchange`.
 */
export function parseExchangeEnv(
  env: Readonly<Record<string, string | undefined>>,
): ExchangeEnvResult {
  const parsed = exchangeEnvSchema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, problems: describeEnvIssues(parsed.error.issues, env) };
  }
  const data = parsed.data;
  return {
    ok: true,
    env: {
      hostname: data.SIM_HOSTNAME,
      port: data.SIM_PORT,
      seed: data.SIM_SEED,
      fault: data.SIM_FAULT,
      faultRate: data.SIM_FAULT_RATE,
      wsFault: data.SIM_WS_FAULT,
      wsPushIntervalMs: data.SIM_WS_PUSH_MS,
      linearPushIntervalMs: data.SIM_LINEAR_PUSH_MS,
      syntheticSymbols: data.SIM_SYMBOLS,
      syntheticPerps: data.SIM_PERP_SYMBOLS,
    },
  };
}
