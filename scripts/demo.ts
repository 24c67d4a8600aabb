/**
 * `deno task demo`: the exchange simulator and the service together, for a
 * demo without network. The simulator marks every answer as simulated, and
 * the service shows that label everywhere. `SIM_*` variables configure the
 * simulator as for `deno task exchange`; the rest configure the service.
 */
import { parseExchangeEnv } from "../lib/simulator/exchange_env.ts";
import { startExchange } from "../lib/simulator/start_exchange.ts";
import { runFromEnvironment } from "../lib/service/run_from_environment.ts";

if (import.meta.main) {
  const env = Deno.env.toObject();
  const simulator = parseExchangeEnv(env);
  if (!simulator.ok) {
    for (const problem of simulator.problems) {
      console.error(`Invalid configuration: ${problem}`);
    }
    Deno.exit(1);
  }
  const exchange = await startExchange(simulator.env);
  console.log(JSON.stringify({
    time: new Date().toISOString(),
    level: "info",
    msg: "Simulated exchange running (demo data, not Bybit)",
    url: exchange.url,
  }));
  await runFromEnvironment(
    {
      KV_PATH: "./data/demo.kv",
      STREAM_HEARTBEAT_DELAY: "0.25",
      ...env,
      BYBIT_API_URL: exchange.tickersUrl,
      BYBIT_WS_URL: exchange.wsUrl,
    },
    { afterStop: () => exchange.shutdown() },
  );
}
