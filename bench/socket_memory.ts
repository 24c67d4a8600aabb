/**
 * What one stream socket costs the service, per socket layer: heap used
 * (after a full GC), the heap V8 keeps committed for it, and RSS with N
 * sockets streaming, minus the same with none. RSS beyond the committed heap
 * is native memory (the runtime's socket state). The
 * service runs in this process (so its heap can be read), fed by the
 * simulator at 20 ticks/s; the sockets come from the load generator in its
 * own process.
 *
 *   deno run -A --v8-flags=--expose-gc bench/socket_memory.ts [--sockets=1000] [--layers=ws,deno]
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../lib/config/load_config.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { serveSentinel } from "../lib/service/serve_sentinel.ts";
import { startExchange } from "../lib/simulator/start_exchange.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sockets: { type: "string", default: "1000" },
    layers: { type: "string", default: "ws,deno" },
  },
});
const sockets = Number(values.sockets);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("Run with --v8-flags=--expose-gc");

async function settle(): Promise<
  { heap: number; heapTotal: number; rss: number }
> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { heapUsed, heapTotal, rss } = Deno.memoryUsage();
  return { heap: heapUsed, heapTotal, rss };
}

for (const layer of values.layers.split(",")) {
  const exchange = await startExchange({
    hostname: "127.0.0.1",
    port: 0,
    seed: 1,
    wsPushIntervalMs: 50,
  });
  const result = loadConfig({
    BYBIT_API_URL: exchange.tickersUrl,
    BYBIT_WS_URL: exchange.wsUrl,
    PORT: "0",
    KV_PATH: ":memory:",
    LOG_LEVEL: "error",
    MAX_SOCKETS_PER_IP: "20000",
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: "1000000",
    SOCKET_LAYER: layer,
  });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  const kv = await Deno.openKv(":memory:");
  const service = await serveSentinel({
    config: result.config,
    logger: createLogger({ level: "error", write: () => {} }),
    kv,
  });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idle = await settle();
  const generator = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      new URL("./load_generator.ts", import.meta.url).pathname,
      "--target=sentinel",
      `--url=${service.url}`,
      `--connections=${sockets}`,
      "--duration=12",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = generator.stderr.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  while (!text.includes('"window-start"')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`Generator ended early: ${text.slice(-500)}`);
    text += value;
  }
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const loaded = await settle();
  const open = service.services.hub.activeSubscribers;
  reader.cancel().catch(() => {});
  await generator.status;
  console.log(JSON.stringify({
    layer,
    sockets: open,
    heap_kb_per_socket: +((loaded.heap - idle.heap) / open / 1024).toFixed(1),
    heap_total_kb_per_socket: +(
      (loaded.heapTotal - idle.heapTotal) / open / 1024
    ).toFixed(1),
    rss_kb_per_socket: +((loaded.rss - idle.rss) / open / 1024).toFixed(1),
    heap_mb: [idle.heap, loaded.heap].map((b) => +(b / 2 ** 20).toFixed(1)),
    rss_mb: [idle.rss, loaded.rss].map((b) => +(b / 2 ** 20).toFixed(1)),
    loadavg: Deno.loadavg(),
  }));
  await service.shutdown();
  kv.close();
  await exchange.shutdown();
}
