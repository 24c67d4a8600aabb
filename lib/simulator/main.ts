/**
 * `deno task exchange`: runs the simulator until SIGINT or SIGTERM.
 *
 * Configured by `SIM_PORT` (9010), `SIM_HOSTNAME` (127.0.0.1), `SIM_SEED`
 * (42), `SIM_FAULT`, `SIM_FAULT_RATE`, `SIM_WS_FAULT`, `SIM_WS_PUSH_MS` (50),
 * `SIM_LINEAR_PUSH_MS` (100), `SIM_SYMBOLS` (0) and `SIM_PERP_SYMBOLS` (two in
 * three of `SIM_SYMBOLS`) (see `exchange_env.ts`). A bad value
 * prints one line per bad variable and exits with status 1.
 */
import { createLogger } from "../observability/logger.ts";
import { EXCHANGE_ENV_NAMES, parseExchangeEnv } from "./exchange_env.ts";
import { faultName } from "./faults.ts";
import { startExchange } from "./start_exchange.ts";
import { wsFaultName } from "./ws_faults.ts";

/** Starts the simulator from the environment; resolves once it has stopped. */
export async function main(): Promise<void> {
  const raw = Object.fromEntries(
    EXCHANGE_ENV_NAMES.map((name) => [name, Deno.env.get(name)]),
  );
  const parsed = parseExchangeEnv(raw);
  if (!parsed.ok) {
    for (const problem of parsed.problems) {
      console.error(`Invalid configuration: ${problem}`);
    }
    Deno.exit(1);
  }
  const { env } = parsed;
  const logger = createLogger();
  const running = await startExchange(env);
  logger.info("Exchange simulator listening", {
    url: running.url,
    tickersUrl: running.tickersUrl,
    wsUrl: running.wsUrl,
    seed: env.seed,
    fault: env.fault ? faultName(env.fault) : null,
    faultRate: env.faultRate ?? null,
    wsFault: env.wsFault ? wsFaultName(env.wsFault) : null,
    wsPushIntervalMs: env.wsPushIntervalMs,
    wsLinearUrl: running.wsLinearUrl,
    spotSymbols: running.exchange.market.symbols.length,
    perpetuals: running.exchange.linearMarket.symbols.length,
  });
  const signals = ["SIGINT", "SIGTERM"] as const;
  const stop = () => {
    logger.info("Exchange simulator stopping");
    void running.shutdown();
  };
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  await running.finished;
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
  logger.info("Exchange simulator stopped", {
    requests: running.exchange.state().requests.total,
  });
}

if (import.meta.main) {
  await main();
  // The server has finished and said so; the runtime can still hold sockets
  // whose peer died under load for about ten seconds more (measured after a
  // whole-market service stopped), so the process ends here, not after them.
  Deno.exit(0);
}
