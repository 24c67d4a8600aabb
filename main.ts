/**
 * Entry point: validate the configuration (exit 1 naming every bad variable),
 * open the KV store, serve, and shut down gracefully on SIGINT/SIGTERM.
 */
import { loadConfig } from "./lib/config/load_config.ts";
import { openKv } from "./lib/ledger/open_kv.ts";
import { createLogger } from "./lib/observability/logger.ts";
import { serveSentinel } from "./lib/service/serve_sentinel.ts";

if (import.meta.main) {
  const result = loadConfig(Deno.env.toObject());
  if (!result.ok) {
    for (const problem of result.problems) {
      console.error(`Invalid configuration: ${problem}`);
    }
    Deno.exit(1);
  }
  const { config } = result;
  const logger = createLogger({ level: config.logLevel });
  const onDeploy = Deno.env.get("DENO_DEPLOYMENT_ID") !== undefined &&
    Deno.env.get("KV_PATH") === undefined;
  const kv = await openKv({ path: onDeploy ? undefined : config.kvPath });
  const served = await serveSentinel({ config, logger, kv });

  const stop = async (signal: string) => {
    logger.info("Shutting down", { signal });
    await served.shutdown();
    kv.close();
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, () => stop(signal));
    } catch {
      // Platforms without signals (Deno Deploy) stop the isolate themselves.
    }
  }
}
