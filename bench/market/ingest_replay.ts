/**
 * `deno task bench:ingest`: the ingestion worker's CPU per upstream message
 * at whole-market scale, without the rest of the service, the simulator or
 * the network competing for the same cores.
 *
 * It starts the simulator in-process (600 synthetic spot pairs every 50 ms,
 * 400 perpetuals every 100 ms), subscribes every topic over real sockets
 * and records what arrives for a few seconds (`--capture=`, default 3),
 * then stops the simulator and replays the recording through the real
 * WebSocket engine (`WsIngestLoop`: client, parsing and validation, linear
 * merge, analytics, push-cycle batching) on fake sockets and a fake clock
 * that advances 10 ms per 120 frames. Each round replays the whole
 * recording; the figure is the process's CPU time per message (user +
 * system, so garbage collection on helper threads counts), min and median
 * over the rounds (`--rounds=`, default 8). Posting batches across the
 * worker boundary is not included (`bench:market` covers it).
 *
 * CPU time still stretches on a shared machine (caches, frequency), so the
 * load average is printed with the figures: compare runs made side by side.
 */
import { FakeClock } from "../../lib/clock/fake_clock.ts";
import type { TrackedSymbol } from "../../lib/market/tracked_symbol.ts";
import { fetchListing } from "../../lib/ingestion/bybit/instruments_client.ts";
import { symbolTopics } from "../../lib/ingestion/bybit/bybit_ws_schema.ts";
import { WsIngestLoop } from "../../lib/ingestion/engines/ws_ingest_loop.ts";
import {
  fakeHostConfig,
  FakeWebSocket,
} from "../../lib/ingestion/test_utils.ts";
import { startExchange } from "../../lib/simulator/start_exchange.ts";
import { readProcessSample } from "../proc_sampler.ts";
import { positiveIntegerFlagOrExit } from "../positive_flag.ts";

/** Frames replayed per 10 ms of fake time: about 12,000 a second. */
const FRAMES_PER_CYCLE = 120;

const flag = (name: string, fallback: number) =>
  positiveIntegerFlagOrExit("bench:ingest", name, fallback);

/** One recorded frame and the market whose stream it came on. */
interface Recorded {
  readonly linear: boolean;
  readonly topic: string;
  readonly text: string;
}

async function record(seconds: number) {
  await using sim = await startExchange({
    syntheticSymbols: 600,
    syntheticPerps: 400,
    wsPushIntervalMs: 50,
    linearPushIntervalMs: 100,
  });
  const symbols: TrackedSymbol[] = [];
  const frames: Recorded[] = [];
  const sockets: WebSocket[] = [];
  for (const category of ["spot", "linear"] as const) {
    const listing = await fetchListing(category, {
      url: sim.instrumentsUrl,
      timeoutMs: 10_000,
      maxInstruments: 5_000,
    });
    symbols.push(...listing.symbols);
    const socket = new WebSocket(
      category === "spot" ? sim.wsUrl : sim.wsLinearUrl,
    );
    await new Promise((resolve) => socket.onopen = resolve);
    const topics = listing.symbols.flatMap(symbolTopics);
    for (let i = 0; i < topics.length; i += 10) {
      socket.send(JSON.stringify({
        op: "subscribe",
        req_id: `replay-${i}`,
        args: topics.slice(i, i + 10),
      }));
    }
    socket.onmessage = (event) => {
      const topic = typeof event.data === "string" &&
        /"topic":"([^"]+)"/.exec(event.data)?.[1];
      if (topic) {
        frames.push({ linear: category === "linear", topic, text: event.data });
      }
    };
    sockets.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  for (const socket of sockets) socket.close();
  return { symbols, frames };
}

async function cpuMs(): Promise<number> {
  const sample = await readProcessSample(Deno.pid);
  if (sample === null) throw new Error("cannot read /proc/self");
  return sample.cpuSeconds * 1_000;
}

async function main(): Promise<void> {
  const rounds = flag("rounds", 8);
  const { symbols, frames } = await record(flag("capture", 3));
  const clock = new FakeClock();
  const sockets: FakeWebSocket[] = [];
  let ticks = 0;
  const loop = new WsIngestLoop({
    config: {
      upstream: { ...fakeHostConfig("ws").upstream, wsFallbackAfterMs: 3.6e6 },
      markets: ["spot", "linear"],
      symbols,
      thresholds: Object.fromEntries(symbols.map((s) => [s.id, 1e9])),
    },
    clock,
    random: () => 0.5,
    connect: (url) => {
      const socket = new FakeWebSocket(url);
      sockets.push(socket);
      return socket;
    },
    onTicks: (batch) => ticks += batch.length,
    onTrades: () => {},
    onLiquidations: () => {},
    onState: () => {},
    onLog: () => {},
  });
  loop.start();
  clock.advance(2_000);
  const socketOf = new Map<string, FakeWebSocket>();
  for (const socket of sockets) {
    socket.open();
    const linear = socket.url.endsWith("linear");
    for (const sent of socket.sent) {
      for (const topic of JSON.parse(sent).args ?? []) {
        socketOf.set(`${linear}:${topic}`, socket);
      }
    }
  }
  const routed = frames.map((f) => ({
    socket: socketOf.get(`${f.linear}:${f.topic}`)!,
    text: f.text,
  }));
  const perMessage: number[] = [];
  for (let round = 0; round < rounds; round++) {
    ticks = 0;
    const start = await cpuMs();
    for (let i = 0; i < routed.length; i += FRAMES_PER_CYCLE) {
      const end = Math.min(routed.length, i + FRAMES_PER_CYCLE);
      for (let j = i; j < end; j++) routed[j].socket.receive(routed[j].text);
      clock.advance(10);
    }
    perMessage.push((await cpuMs() - start) * 1_000 / routed.length);
  }
  await loop.stop();
  const sorted = perMessage.toSorted((a, b) => a - b);
  console.log(JSON.stringify({
    frames: routed.length,
    connections: sockets.length,
    ticks_last_round: ticks,
    cpu_us_per_message: {
      min: Number(sorted[0].toFixed(2)),
      median: Number(sorted[sorted.length >> 1].toFixed(2)),
      rounds: perMessage.map((us) => Number(us.toFixed(2))),
    },
    loadavg: (await Deno.readTextFile("/proc/loadavg")).trim(),
  }));
}

if (import.meta.main) await main();
