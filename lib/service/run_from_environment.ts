/**
 * The process-level lifecycle shared by `main.ts` and the demo: validate the
 * environment (exit 1 naming every bad variable), open KV, serve, and shut
 * down gracefully on SIGINT/SIGTERM (sockets closed with 1001, exit 0).
 */
import { loadConfig } from "../config/load_config.ts";
import { openKv } from "../ledger/open_kv.ts";
import { createLogger } from "../observability/logger.ts";
import { serveSentinel } from "./serve_sentinel.ts";

/** Options of {@linkcode runFromEnvironment}. */
export interface RunOptions {
  /** Called after the service stopped, before the process exits. */
  readonly afterStop?: () => Promise<void>;
}

/** Runs the service configured by `env` until a stop signal arrives. */
export async function runFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  options: RunOptions = {},
): Promise<void> {
  const result = loadConfig(env);
  if (!result.ok) {
    for (const problem of result.problems) {
      console.error(`Invalid configuration: ${problem}`);
    }
    await options.afterStop?.();
    Deno.exit(1);
  }
  const { config } = result;
  const logger = createLogger({ level: config.logLevel });
  const onDeploy = env.DENO_DEPLOYMENT_ID !== undefined &&
    env.KV_PATH === undefined;
  const kv = await openKv({ path: onDeploy ? undefined : config.kvPath });
  // A stop signal while the stream engine is still unreachable at start
  // gives up waiting; after start it shuts down gracefully.
  const starting = new AbortController();
  let served: Awaited<ReturnType<typeof serveSentinel>> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("Shutting down", { signal });
    starting.abort(new Error(`Stopped by ${signal} during start-up`));
    await served?.shutdown();
    kv.close();
    await options.afterStop?.();
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, () => void stop(signal));
    } catch {
      // Platforms without signals (Deno Deploy) stop the isolate themselves.
    }
  }
  try {
    served = await serveSentinel({
      config,
      logger,
      kv,
      signal: starting.signal,
    });
  } catch (error) {
    if (stopping) return;
    throw error;
  }
}
