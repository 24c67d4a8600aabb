/**
 * Measures what oversized input costs the running service, the way an
 * attacker would send it: one huge text frame from a stream client, one huge
 * chunked answer from the upstream REST endpoint, one huge frame from the
 * upstream WebSocket. For each it starts `main.ts` fresh against a hostile
 * local upstream, reads the service's RSS from `/proc` before, at its peak
 * (sampled every 25 ms) and a few seconds after, and says how the service
 * reacted. The figures back the README's Security section.
 *
 *     deno run --allow-all bench/oversize_probe.ts [--frame-mb=60] [--body-mb=400]
 *         [--root=<checkout>]   # measure another checkout (e.g. an older one)
 */
import { serviceRunArgs } from "../scripts/service_args.ts";
import { parseArgs } from "node:util";
import { ManagedProcess } from "./managed_process.ts";
import { readProcessSample } from "./proc_sampler.ts";
import { waitForReady } from "./readiness.ts";

const HOST = "127.0.0.1";
const MIB = 1 << 20;

/** A huge chunked body, generated as it is read (the probe holds none of it). */
function hugeBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(" ".repeat(64 << 10));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

/**
 * The hostile upstream. Until {@linkcode HostileUpstream.arm} it answers
 * briefly (so the service starts and settles); armed, `/huge/…` streams
 * `bodyBytes` and every upstream WebSocket gets one `frameBytes` frame.
 */
class HostileUpstream {
  readonly server: Deno.HttpServer<Deno.NetAddr>;
  readonly #sockets = new Set<WebSocket>();
  readonly #frameBytes: number;
  #armed = false;

  constructor(bodyBytes: number, frameBytes: number) {
    this.#frameBytes = frameBytes;
    this.server = Deno.serve(
      { hostname: HOST, port: 0, onListen() {} },
      (req) => {
        if (req.headers.get("upgrade") === "websocket") {
          const { socket, response } = Deno.upgradeWebSocket(req);
          socket.onopen = () => this.#sockets.add(socket);
          socket.onclose = () => this.#sockets.delete(socket);
          return response;
        }
        if (this.#armed && new URL(req.url).pathname.startsWith("/huge/")) {
          return new Response(hugeBody(bodyBytes), {
            headers: { "content-type": "application/json" },
          });
        }
        return Response.json({ retCode: 10001, retMsg: "probe", result: {} });
      },
    );
  }

  /** From now on, send the oversized input. */
  arm(): void {
    this.#armed = true;
    const frame = `{"topic":"tickers.BTCUSDT","pad":"${
      "x".repeat(this.#frameBytes)
    }"}`;
    for (const socket of this.#sockets) socket.send(frame);
  }

  /** Back to brief answers (between probes). */
  disarm(): void {
    this.#armed = false;
  }
}

/** A free TCP port on loopback. */
function freePort(): number {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function rssMb(pid: number): Promise<number> {
  return ((await readProcessSample(pid))?.rssKb ?? 0) / 1024;
}

/** What one probe saw. */
interface ProbeResult {
  readonly probe: string;
  readonly beforeMb: number;
  readonly peakMb: number;
  readonly afterMb: number;
  readonly outcome: string;
}

/**
 * Starts the service with `env`, runs `attack` while sampling RSS, and
 * reports; `attack` resolves with a description of the service's reaction.
 */
async function probe(
  name: string,
  root: string,
  upstream: HostileUpstream,
  env: Record<string, string>,
  attack: (url: string) => Promise<string>,
): Promise<ProbeResult> {
  const port = freePort();
  const url = `http://${HOST}:${port}`;
  const service = ManagedProcess.start({
    name: "sentinel",
    command: Deno.execPath(),
    args: serviceRunArgs(),
    cwd: root,
    env: {
      PORT: String(port),
      HOSTNAME: HOST,
      KV_PATH: ":memory:",
      LOG_LEVEL: "warn",
      ...env,
    },
  });
  try {
    await waitForReady(`${url}/api/health`, { timeoutMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const beforeMb = await rssMb(service.pid);
    let peakMb = beforeMb;
    const sampler = setInterval(async () => {
      peakMb = Math.max(peakMb, await rssMb(service.pid));
    }, 25);
    upstream.arm();
    const outcome = await attack(url);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    clearInterval(sampler);
    const afterMb = await rssMb(service.pid);
    return { probe: name, beforeMb, peakMb, afterMb, outcome };
  } finally {
    upstream.disarm();
    await service.stop();
  }
}

/** Polls `/api/metrics` until `done` holds (at most 60 s). */
async function metricsUntil(
  url: string,
  done: (metrics: Record<string, number>) => boolean,
): Promise<Record<string, number>> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const metrics = await (await fetch(`${url}/api/metrics`)).json();
    const flat = { ...metrics, ...metrics.ingest };
    if (done(flat)) return flat;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("The service never reacted within 60 s");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "frame-mb": { type: "string", default: "60" },
      "body-mb": { type: "string", default: "400" },
      root: {
        type: "string",
        default: new URL("../", import.meta.url).pathname,
      },
    },
  });
  const frameBytes = Number(values["frame-mb"]) * MIB;
  const bodyBytes = Number(values["body-mb"]) * MIB;
  const upstream = new HostileUpstream(bodyBytes, frameBytes);
  const up = `http://${HOST}:${upstream.server.addr.port}`;
  const rest = {
    INGEST_MODE: "rest",
    BYBIT_API_URL: `${up}/v5/market/tickers`,
  };
  const results: ProbeResult[] = [];
  try {
    results.push(
      await probe(
        "inbound client frame",
        values.root,
        upstream,
        rest,
        async (url) => {
          const socket = new WebSocket(
            `${url.replace("http", "ws")}/ws/stream`,
          );
          await new Promise((resolve) => socket.onopen = resolve);
          const closed = new Promise<CloseEvent>((resolve) =>
            socket.onclose = resolve
          );
          socket.send("x".repeat(frameBytes));
          const timeout = new Promise<string>((resolve) =>
            setTimeout(() => resolve("socket still open after 30 s"), 30_000)
          );
          const outcome = await Promise.race([
            closed.then((event) => `closed ${event.code} ${event.reason}`),
            timeout,
          ]);
          socket.close();
          return outcome;
        },
      ),
    );
    results.push(
      await probe("upstream chunked body", values.root, upstream, {
        ...rest,
        BYBIT_API_URL: `${up}/huge/v5/market/tickers`,
        CONNECTION_TIMEOUT_SECONDS: "60",
      }, async (url) => {
        const diagnostics = async () =>
          (await (await fetch(`${url}/api/diagnostics`)).json()).upstream;
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline) {
          const { last_error } = await diagnostics();
          if (last_error && !last_error.includes("10001")) return last_error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return "no failure within 60 s";
      }),
    );
    results.push(
      await probe("upstream WebSocket frame", values.root, upstream, {
        INGEST_MODE: "ws",
        BYBIT_API_URL: `${up}/v5/market/tickers`,
        BYBIT_WS_URL: `${up.replace("http", "ws")}/v5/public/spot`,
      }, async (url) => {
        const metrics = await metricsUntil(
          url,
          (m) => m.ws_messages_total + m.ws_bad_messages_total >= 1,
        );
        return `${metrics.ws_bad_messages_total} of ${metrics.ws_messages_total} frames rejected`;
      }),
    );
  } finally {
    await upstream.server.shutdown();
  }
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(
    0,
    3,
  );
  console.log(
    `frame ${values["frame-mb"]} MiB, body ${values["body-mb"]} MiB, load ${
      load.join(" ")
    }`,
  );
  console.table(results.map((r) => ({
    probe: r.probe,
    "RSS before (MB)": Math.round(r.beforeMb),
    "peak (MB)": Math.round(r.peakMb),
    "after (MB)": Math.round(r.afterMb),
    outcome: r.outcome,
  })));
}
