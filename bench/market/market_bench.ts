/**
 * `deno task bench:market`: the whole-market benchmark. Starts the simulator
 * (600 spot pairs pushed every 50 ms with their trades, 400 perpetuals every
 * 100 ms with liquidations: about 16,000 upstream messages a second) and the
 * service following all of it (`SYMBOLS=all MARKETS=spot,linear`), each in
 * its own process; waits for the candle backfill of every market (a
 * first start's klines) so it measures the steady state; loads the service
 * with 100 overview and 1,000 detail subscribers from a third process; and
 * reports, over the measured window:
 *
 * - the service's CPU (ingestion worker, analytics and fan-out together),
 *   as a share of one core — goal under one core;
 * - tick latency from the exchange's push to a detail subscriber, p99 —
 *   goal under 50 ms;
 * - the service's RSS, sampled through the window — goal under 500 MB and
 *   flat over 10 minutes (`--duration=600`) — with each isolate's heap in
 *   use beside it (from `/api/metrics`), which tells garbage from live data,
 *   and the service's own split of latency (tick age on reaching the main
 *   thread, the main thread's time per cycle of ticks: `intake_meter.ts`);
 *   the service runs with `deno task start`'s V8 flags, and `--v8-flags=…` adds
 *   more (e.g. a heap limit);
 * - upstream messages received per second;
 * - the simulator's and the load generator's CPU, which share the cores;
 * - the screener page's long tasks over a minute (Chromium), goal none.
 *
 * With `--only=screener` only the simulator, the service and the page check
 * run (no subscribers): the screener's own figures in a few minutes. With
 * `--profile` the service and the simulator run with `--cpu-prof`: the
 * service's profiles land in `bench/results/profile/`, the simulator's in
 * `bench/results/profile/simulator/` (it shares the cores). Figures are written to
 * `bench/results/market-<ISO time>.json` with the machine's load average:
 * on a shared machine they are noisy.
 */
import { serviceRunArgs } from "../../scripts/service_args.ts";
import { ManagedProcess } from "../managed_process.ts";
import { readMachineInfo } from "../machine_info.ts";
import {
  cpuPercent,
  type ProcessSample,
  ProcessSampler,
  readProcessSample,
  readThreadSample,
  threadCpuPercent,
  type ThreadSample,
} from "../proc_sampler.ts";
import { waitForReady } from "../readiness.ts";
import { freePort } from "../targets.ts";
import type { MarketLoadSummary } from "./market_load.ts";
import {
  marketBenchSchema,
  MarketOptionsError,
  parseFlags,
} from "./market_options.ts";
import { checkScreenerPage, type PageCheck } from "./screener_page.ts";
import type {
  IntakeMetrics,
  LatencyFigures,
  MemoryMetrics,
  MetricsResponse,
} from "../../lib/protocol/api_types.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const log = (message: string) => console.error(`[bench:market] ${message}`);

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return await response.json() as T;
}

/** Waits until `check` is truthy, polling every 500 ms, for `ms` at most. */
async function until<T>(
  what: string,
  ms: number,
  check: () => Promise<T | false | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The machine's 1, 5 and 15 minute load averages. */
async function loadavg(): Promise<number[]> {
  return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3)
    .map(Number);
}

/** Writes `result` to bench/results/market-<time>.json; returns the path. */
async function writeResult(result: { time: string }): Promise<string> {
  const file = `${ROOT}/bench/results/market-${
    result.time.replace(/[:.]/g, "-").slice(0, 19)
  }Z.json`;
  await Deno.writeTextFile(file, JSON.stringify(result, null, 2) + "\n");
  return file;
}

/** The page goal: no long task (null when the check did not run). */
function noLongTask(page: PageCheck): boolean | null {
  return page.status === "ok" ? page.long_tasks === 0 : null;
}

interface Diagnostics {
  symbols: { symbol: string; last_tick_ts: number | null }[];
  ws: { active_topics: number; connections: unknown[] } | null;
  listing: { markets: { status: string }[] } | null;
}

/** What `/api/metrics` says about ingestion at one moment. */
interface IngestCounts {
  readonly messages: number;
  readonly restarts: number;
}

/**
 * Upstream messages taken in per second over the window; null when a read
 * failed or the counter went backwards (it did not count across the window).
 */
function upstreamRate(
  start: IngestCounts | null,
  end: IngestCounts | null,
  seconds: number | null,
): number | null {
  if (!start || !end || !seconds || end.messages < start.messages) return null;
  return Math.round((end.messages - start.messages) / seconds);
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseFlags(Deno.args, marketBenchSchema);
  } catch (error) {
    if (!(error instanceof MarketOptionsError)) throw error;
    console.error(`Invalid flags:\n${error.message}`);
    return 2;
  }
  const machine = await readMachineInfo();
  const simPort = freePort();
  const port = freePort();
  const kvDir = await Deno.makeTempDir({ prefix: "bench-market-" });
  const profileDir = `${ROOT}/bench/results/profile`;
  const simulatorProfileDir = `${profileDir}/simulator`;
  if (options.profile) {
    await Deno.mkdir(simulatorProfileDir, { recursive: true });
  }
  const processes: ManagedProcess[] = [];
  try {
    log(
      `simulator: ${options.symbols} synthetic pairs, ${options.perps} synthetic perpetuals`,
    );
    const sim = ManagedProcess.start({
      name: "simulator",
      command: Deno.execPath(),
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        ...(options.profile
          ? ["--cpu-prof", `--cpu-prof-dir=${simulatorProfileDir}`]
          : []),
        "lib/simulator/main.ts",
      ],
      cwd: ROOT,
      env: {
        SIM_PORT: String(simPort),
        SIM_SYMBOLS: String(options.symbols),
        SIM_PERP_SYMBOLS: String(options.perps),
        SIM_WS_PUSH_MS: "50",
        SIM_LINEAR_PUSH_MS: "100",
      },
    });
    processes.push(sim);
    const simUrl = `http://127.0.0.1:${simPort}`;
    await waitForReady(`${simUrl}/__sim/state`, { timeoutMs: 60_000 });
    const service = ManagedProcess.start({
      name: "service",
      command: Deno.execPath(),
      args: serviceRunArgs({
        extraV8Flags: options.v8Flags,
        denoFlags: options.profile
          ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]
          : [],
      }),
      cwd: ROOT,
      env: {
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        SYMBOLS: "all",
        MARKETS: "spot,linear",
        BYBIT_API_URL: `${simUrl}/v5/market/tickers`,
        BYBIT_WS_URL: `ws://127.0.0.1:${simPort}/v5/public/spot`,
        KV_PATH: `${kvDir}/bench.kv`,
        LOG_LEVEL: "warn",
        MAX_SOCKETS_PER_IP: "100000",
        API_RATE_LIMIT_PER_MINUTE: "1000000",
        // Every generated socket and the page come from 127.0.0.1.
        HANDSHAKE_RATE_LIMIT_PER_MINUTE: "1000000",
        PAGE_RATE_LIMIT_PER_MINUTE: "1000000",
      },
    });
    processes.push(service);
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(`${url}/api/health`, { timeoutMs: 120_000 });
    const expected = (6 + options.symbols) * 2 + (5 + options.perps) * 3;
    log(`waiting for ${expected} topics to stream`);
    const ready = await until("every topic streaming", 180_000, async () => {
      const d = await json<Diagnostics>(`${url}/api/diagnostics`);
      return d.listing?.markets.every((m) => m.status === "loaded") &&
        d.ws?.active_topics === expected &&
        d.symbols.every((s) => s.last_tick_ts !== null) && d;
    });
    const channels = ready.symbols.map((s) => s.symbol);
    // A first start backfills every market's klines: measure the steady
    // state after it, as a service that has run for a while.
    const backfillStart = Date.now();
    let told = 0;
    await until("the candle backfill", 15 * 60_000, async () => {
      const m = await json<MetricsResponse>(`${url}/api/metrics`);
      const left = m.candles?.backfill_steps_pending ?? 0;
      if (left > 0 && Date.now() - told > 10_000) {
        log(`candle backfill: ${left} steps left`);
        told = Date.now();
      }
      return left === 0;
    });
    const backfillSeconds = Math.round((Date.now() - backfillStart) / 1000);
    log(`candle backfill done after ${backfillSeconds} s`);
    if (options.only === "screener") {
      log(`${channels.length} symbols; screener page for ${options.page} s`);
      const page = await checkScreenerPage(`${url}/markets`, options.page);
      const result = {
        kind: "market-screener",
        time: new Date().toISOString(),
        machine,
        loadavg_end: await loadavg(),
        options,
        symbols: channels.length,
        page,
        goals: { no_long_task_over_50_ms: noLongTask(page) },
      };
      const file = await writeResult(result);
      console.log(JSON.stringify(
        {
          page,
          loadavg: { start: machine.loadavg_start, end: result.loadavg_end },
        },
        null,
        2,
      ));
      log(`written ${file}`);
      return page.status === "ok" ? 0 : 1;
    }
    log(
      `${channels.length} symbols over ${
        ready.ws!.connections.length
      } connections; loading`,
    );

    const sampler = new ProcessSampler(service.pid);
    const rss: {
      at_s: number;
      rss_mb: number;
      main_heap_used_mb: number | null;
      worker_heap_used_mb: number | null;
      /** The main isolate's array buffers and other memory outside its heap. */
      external_mb: number | null;
      /** Exchange time to the main thread, over the newest ticks. */
      tick_age_p50_p99_ms: (number | null)[] | undefined;
      /** The main thread's time per cycle of ticks, over the newest cycles. */
      cycle_handling_p50_p99_ms: (number | null)[] | undefined;
    }[] = [];
    let windowStart: ProcessSample | null = null;
    let windowEnd: ProcessSample | null = null;
    // The simulator shares the cores: its CPU over the same window.
    let simulatorStart: ProcessSample | null = null;
    let simulatorEnd: ProcessSample | null = null;
    // The service's threads: which of them the CPU went to.
    let threadsStart: ThreadSample | null = null;
    let threadsEnd: ThreadSample | null = null;
    let countsStart: IngestCounts | null = null;
    let countsEnd: IngestCounts | null = null;
    /** Why a window's counts are missing, if they are. */
    const countProblems: string[] = [];
    let rssTimer: ReturnType<typeof setInterval> | undefined;
    /**
     * `/api/metrics` without its per-symbol parts (a whole market's are
     * 200 KB an answer); its totals are all the benchmark reads.
     */
    const metricsUrl = `${url}/api/metrics?ids=`;
    const ingestCounts = async (at: string): Promise<IngestCounts | null> => {
      try {
        const metrics = await json<{
          ingestion_restarts: number;
          ingest?: { ws_messages_total: number };
        }>(metricsUrl);
        return {
          messages: metrics.ingest?.ws_messages_total ?? 0,
          restarts: metrics.ingestion_restarts,
        };
      } catch (error) {
        countProblems.push(`${at}: ${(error as Error).message}`);
        return null;
      }
    };
    /** The service's memory and its intake of ticks, as `/api/metrics` says. */
    const serviceFigures = () =>
      json<{ memory?: MemoryMetrics; intake?: IntakeMetrics }>(metricsUrl);
    const onPhase = async (line: string) => {
      let event: { phase?: string };
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.phase === "window-start") {
        windowStart = await sampler.mark("start");
        threadsStart = await readThreadSample(service.pid);
        simulatorStart = await readProcessSample(sim.pid);
        countsStart = await ingestCounts("window start");
        const t0 = performance.now();
        const sample = async () => {
          const s = await readProcessSample(service.pid);
          const figures = await serviceFigures().catch(() => undefined);
          const memory = figures?.memory;
          const mb = (bytes: number | null | undefined) =>
            bytes == null ? null : Math.round(bytes / 1_048_576);
          if (s) {
            rss.push({
              at_s: Math.round((performance.now() - t0) / 1000),
              rss_mb: Math.round(s.rssKb / 1024),
              main_heap_used_mb: mb(memory?.main_heap_used_bytes),
              worker_heap_used_mb: mb(memory?.worker_heap_used_bytes),
              external_mb: mb(memory?.external_bytes),
              tick_age_p50_p99_ms: p50p99(figures?.intake?.tick_age_ms),
              cycle_handling_p50_p99_ms: p50p99(
                figures?.intake?.cycle_handling_ms,
              ),
            });
          }
        };
        await sample();
        rssTimer = setInterval(() => void sample(), options.rssEvery * 1000);
      } else if (event.phase === "window-end") {
        clearInterval(rssTimer);
        windowEnd = await sampler.mark("end");
        threadsEnd = await readThreadSample(service.pid);
        simulatorEnd = await readProcessSample(sim.pid);
        countsEnd = await ingestCounts("window end");
      }
    };
    /** The phase handlers started, each reading the service's figures. */
    const phases: Promise<void>[] = [];
    let summaryLine = "";
    const load = ManagedProcess.start({
      name: "load",
      command: Deno.execPath(),
      args: [
        "run",
        "--allow-net",
        "bench/market/market_load.ts",
        `--url=${url}`,
        `--overview=${options.overview}`,
        `--detail=${options.detail}`,
        `--detail-symbols=${options.detailSymbols}`,
        `--duration=${options.duration}`,
        `--channels=${channels.join(",")}`,
      ],
      cwd: ROOT,
      onStdoutLine: (line) => summaryLine = line,
      onStderrLine: (line) => phases.push(onPhase(line)),
    });
    processes.push(load);
    const loadSampler = new ProcessSampler(load.pid);
    const loadStart = await loadSampler.mark("start");
    const status = await load.waitExit(options.duration * 1000 + 600_000);
    // The window's last reads may still be in flight when the generator ends.
    await Promise.all(phases);
    sampler.stop();
    const loadEnd = await loadSampler.mark("end");
    loadSampler.stop();
    const generatorCpu = loadStart && loadEnd
      ? cpuPercent(loadStart, loadEnd)
      : null;
    if (!status?.success) throw new Error(`load generator: ${load.tail()}`);
    const summary = JSON.parse(summaryLine) as MarketLoadSummary;
    const start = windowStart as ProcessSample | null;
    const end = windowEnd as ProcessSample | null;
    const cpu = start && end ? cpuPercent(start, end) : null;
    const seconds = start && end ? (end.at - start.at) / 1000 : null;
    const simStart = simulatorStart as ProcessSample | null;
    const simEnd = simulatorEnd as ProcessSample | null;
    const simulatorCpu = simStart && simEnd
      ? cpuPercent(simStart, simEnd)
      : null;

    let page: PageCheck = { status: "skipped", reason: "--page=0" };
    if (options.page > 0) {
      log(`screener page for ${options.page} s`);
      page = await checkScreenerPage(`${url}/markets`, options.page);
    }
    const result = {
      kind: "market",
      time: new Date().toISOString(),
      machine,
      loadavg_end: await loadavg(),
      options,
      symbols: channels.length,
      connections: ready.ws!.connections.length,
      upstream_messages_per_s: upstreamRate(countsStart, countsEnd, seconds),
      candle_backfill_wait_s: backfillSeconds,
      /** Worker restarts inside the window (each resets its own counters). */
      ingestion_restarts_in_window: countsStart && countsEnd
        ? (countsEnd as IngestCounts).restarts -
          (countsStart as IngestCounts).restarts
        : null,
      ...(countProblems.length > 0 ? { count_problems: countProblems } : {}),
      service_cpu_percent_of_one_core: cpu === null ? null : Math.round(cpu),
      /**
       * The same per thread: `main` (the hub, fan-out, candles, alerts),
       * `worker-1` (ingestion), the collector's helpers and the runtime's.
       */
      service_threads_cpu_percent_of_one_core: threadsStart && threadsEnd
        ? threadCpuPercent(service.pid, threadsStart, threadsEnd)
        : null,
      /** The load generator's own CPU (ramp included): a busy one inflates latency. */
      generator_cpu_percent_of_one_core: generatorCpu === null
        ? null
        : Math.round(generatorCpu),
      /** The simulator's CPU over the window, on the same cores. */
      simulator_cpu_percent_of_one_core: simulatorCpu === null
        ? null
        : Math.round(simulatorCpu),
      service_rss_mb: {
        samples: rss,
        max: Math.round(sampler.maxRssKb / 1024),
      },
      load: summary,
      page,
      goals: {
        cpu_under_one_core: cpu === null ? null : cpu < 100,
        latency_p99_under_50_ms: summary.detail.latency.p99_ms === null
          ? null
          : summary.detail.latency.p99_ms < 50,
        rss_under_500_mb: sampler.maxRssKb / 1024 < 500,
        no_long_task_over_50_ms: noLongTask(page),
      },
    };
    const file = await writeResult(result);
    console.log(JSON.stringify(
      {
        upstream_messages_per_s: result.upstream_messages_per_s,
        ingestion_restarts_in_window: result.ingestion_restarts_in_window,
        count_problems: countProblems,
        service_cpu_percent_of_one_core: result.service_cpu_percent_of_one_core,
        generator_cpu_percent_of_one_core:
          result.generator_cpu_percent_of_one_core,
        simulator_cpu_percent_of_one_core:
          result.simulator_cpu_percent_of_one_core,
        latency_ms: summary.detail.latency,
        latency_split_p50_p99_ms: {
          upstream_to_stamp: [
            summary.detail.upstream_to_stamp.p50_ms,
            summary.detail.upstream_to_stamp.p99_ms,
          ],
          stamp_to_arrival: [
            summary.detail.stamp_to_arrival.p50_ms,
            summary.detail.stamp_to_arrival.p99_ms,
          ],
        },
        rss_mb: result.service_rss_mb,
        overview: summary.overview,
        sockets: summary.sockets,
        page,
        goals: result.goals,
        loadavg: { start: machine.loadavg_start, end: result.loadavg_end },
      },
      null,
      2,
    ));
    log(`written ${file}`);
    if (summary.sockets.failed > 0) {
      // The figures then describe a lighter load than the one asked for.
      log(`WARNING: ${summary.sockets.failed} subscriber sockets failed`);
      return 1;
    }
    return 0;
  } finally {
    for (const process of processes.reverse()) {
      // A profile is written as the service exits: give its graceful stop
      // (which snapshots every channel's history) time to finish.
      const started = performance.now();
      const status = await process.stop(options.profile ? 60_000 : 5_000);
      log(
        `${process.name} stopped in ${
          Math.round(performance.now() - started)
        } ms (${status.signal ?? `exit ${status.code}`})`,
      );
    }
    await Deno.remove(kvDir, { recursive: true }).catch(() => {});
  }
}

/** The median and p99 of `figures`, for a sample line. */
function p50p99(figures: LatencyFigures | undefined) {
  return figures && [figures.p50, figures.p99];
}

if (import.meta.main) {
  main().then((code) => Deno.exit(code), (error) => {
    console.error(`bench:market failed: ${error?.stack ?? error}`);
    Deno.exit(1);
  });
}
