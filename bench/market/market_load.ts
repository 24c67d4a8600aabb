/**
 * The whole-market load generator, a separate process so its CPU is not the
 * server's: opens the overview subscribers (`/ws/market`) and the detail
 * subscribers (`/ws/stream?symbols=…&history=0`, spread over every channel),
 * then measures for a window: on detail sockets, each tick's latency from
 * its upstream time (`upstream_ts`, stamped by the exchange when it pushed)
 * to arrival here; on overview sockets, the frames and their spacing. Prints
 * one JSON summary on stdout; phase markers (`window-start`, `window-end`)
 * go to stderr as JSON lines so the parent samples the server over the same
 * window.
 *
 * Usage: deno run --allow-net bench/market/market_load.ts
 *   --url=http://127.0.0.1:8000 --channels=A,B,… [--overview=100]
 *   [--detail=1000] [--detail-symbols=4] [--duration=60]
 */
import { LatencyHistogram, type LatencySummary } from "../latency_histogram.ts";
import { frameKind, readNumberField, TS_FIELD } from "../frame_scan.ts";
import { marketLoadSchema, parseFlags } from "./market_options.ts";

/** What the generator reports. */
export interface MarketLoadSummary {
  readonly sockets: {
    readonly overview: number;
    readonly detail: number;
    readonly failed: number;
    readonly closed_in_window: number;
  };
  readonly window_s: number;
  readonly detail: {
    /** Tick frames received in the window. */
    readonly ticks: number;
    /** Upstream push → arrival here. */
    readonly latency: LatencySummary;
    /**
     * The same split at the hub's stamp (`ts`, when the tick's broadcast
     * started): upstream push → stamp is the simulator, the worker and the
     * main thread's queue; stamp → arrival is the fan-out and this client.
     */
    readonly upstream_to_stamp: LatencySummary;
    readonly stamp_to_arrival: LatencySummary;
  };
  readonly overview: {
    readonly frames: number;
    readonly items: number;
    readonly alerts: number;
    /** Least spacing of two market frames on one socket, ms. */
    readonly min_interval_ms: number | null;
  };
}

const UPSTREAM_TS = '"upstream_ts":';
/** Sockets opening at once while ramping up. */
const RAMP_CONCURRENCY = 50;

/** Each market item opens with its symbol. */
const ITEM_START = '{"symbol":"';

/**
 * Items in a `market` frame, counted without parsing it: a full frame is
 * about 100 KB and a hundred sockets get one a second, so `JSON.parse` here
 * took this generator's event loop for tens of milliseconds each second —
 * delaying the detail ticks it was timing.
 */
export function countItems(text: string): number {
  let count = 0;
  for (
    let at = text.indexOf(ITEM_START);
    at >= 0;
    at = text.indexOf(ITEM_START, at + ITEM_START.length)
  ) count++;
  return count;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`could not open ${url}`));
  });
}

/** Opens `urls` with bounded concurrency; failures are counted, not fatal. */
async function openAll(
  urls: readonly string[],
): Promise<{ sockets: WebSocket[]; failed: number }> {
  const sockets: WebSocket[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++];
      try {
        sockets.push(await open(url));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: RAMP_CONCURRENCY }, worker));
  return { sockets, failed };
}

const phase = (name: string) =>
  console.error(
    JSON.stringify({ event: "phase", phase: name, at: Date.now() }),
  );

async function main(): Promise<void> {
  const options = parseFlags(Deno.args, marketLoadSchema);
  const ws = options.url.replace(/^http/, "ws");
  const { channels } = options;
  const detailUrls = Array.from({ length: options.detail }, (_, i) => {
    const symbols = Array.from(
      { length: Math.min(options.detailSymbols, channels.length) },
      (_, k) => channels[(i * options.detailSymbols + k) % channels.length],
    );
    return `${ws}/ws/stream?symbols=${symbols.join(",")}&history=0`;
  });
  const overviewUrls = Array.from(
    { length: options.overview },
    () => `${ws}/ws/market`,
  );
  let measuring = false;
  let ticks = 0;
  let frames = 0;
  let items = 0;
  let alerts = 0;
  let minInterval = Infinity;
  let closed = 0;
  const latency = new LatencyHistogram();
  const upstreamToStamp = new LatencyHistogram();
  const stampToArrival = new LatencyHistogram();
  phase("ramp-start");
  const detail = await openAll(detailUrls);
  const overview = await openAll(overviewUrls);
  for (const socket of detail.sockets) {
    socket.onmessage = (event) => {
      if (!measuring) return;
      const text = event.data as string;
      if (frameKind(text) !== "tick") return;
      ticks++;
      const now = Date.now();
      const upstream = readNumberField(text, UPSTREAM_TS);
      const stamp = readNumberField(text, TS_FIELD);
      latency.record((now - upstream) * 1000);
      upstreamToStamp.record((stamp - upstream) * 1000);
      stampToArrival.record((now - stamp) * 1000);
    };
    socket.onclose = () => measuring && closed++;
  }
  for (const socket of overview.sockets) {
    let last = -Infinity;
    socket.onmessage = (event) => {
      if (!measuring) return;
      const text = event.data as string;
      if (text.startsWith('{"type":"market"')) {
        const now = performance.now();
        if (last !== -Infinity) minInterval = Math.min(minInterval, now - last);
        last = now;
        frames++;
        items += countItems(text);
      } else if (text.startsWith('{"type":"alert"')) alerts++;
    };
    socket.onclose = () => measuring && closed++;
  }
  // Let the first frames (a full overview each) land before measuring.
  await new Promise((r) => setTimeout(r, 3_000));
  phase("window-start");
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, options.duration * 1000));
  measuring = false;
  const windowS = (performance.now() - started) / 1000;
  phase("window-end");
  for (const socket of [...detail.sockets, ...overview.sockets]) {
    socket.onclose = null;
    socket.close();
  }
  const summary: MarketLoadSummary = {
    sockets: {
      overview: overview.sockets.length,
      detail: detail.sockets.length,
      failed: overview.failed + detail.failed,
      closed_in_window: closed,
    },
    window_s: Math.round(windowS * 10) / 10,
    detail: {
      ticks,
      latency: latency.summary(),
      upstream_to_stamp: upstreamToStamp.summary(),
      stamp_to_arrival: stampToArrival.summary(),
    },
    overview: {
      frames,
      items,
      alerts,
      min_interval_ms: Number.isFinite(minInterval)
        ? Math.round(minInterval)
        : null,
    },
  };
  console.log(JSON.stringify(summary));
}

if (import.meta.main) {
  main().then(() => Deno.exit(0), (error) => {
    console.error(`Market load generator failed: ${error?.message ?? error}`);
    Deno.exit(1);
  });
}
