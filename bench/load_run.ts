/**
 * One load run against one target: wait for readiness, open the sockets with
 * bounded concurrency and pace, measure for a fixed window, drain, close.
 *
 * All targets are driven through the same WebSocket client
 * (`net_websocket.ts`: `node:net` by default, the runtime's `WebSocket` with
 * `--client=websocket`) with the same per-message path (see `frame_scan.ts`,
 * `socketio_wire.ts`), so the client's cost is equal whatever the server, and
 * thousands of sockets fit in one process. Each phase is bounded and every wait gives way to `signal`, so a
 * hard deadline always yields a (partial) summary instead of a hang.
 */
import { DeliveryStats, type DeliverySummary } from "./delivery_stats.ts";
import {
  batchSymbolIndex,
  frameKind,
  lastSeqOfBatch,
  scanTick,
  type TickFields,
} from "./frame_scan.ts";
import {
  type HistogramData,
  LatencyHistogram,
  type LatencySummary,
} from "./latency_histogram.ts";
import {
  type LoadOptions,
  type TargetKind,
  WARMUP_LIMIT_S,
} from "./load_options.ts";
import { abortableSleep, waitForReady } from "./readiness.ts";
import {
  type LoadSocket,
  openLoadSocket,
  SOCKET_STATE,
} from "./net_websocket.ts";
import { normalizeReason, planSockets, socketUrl } from "./socket_plan.ts";
import {
  ENGINEIO_PONG,
  SOCKETIO_CONNECT,
  SOCKETIO_TICK_OFFSET,
  socketIoPacket,
} from "./socketio_wire.ts";

/** Phases reported to {@linkcode LoadRunDeps.onPhase} as they start. */
export type LoadPhase =
  | "ready"
  | "ramp-done"
  | "window-start"
  | "window-end"
  | "drained";

/** Dependencies of {@linkcode runLoad}, injectable for tests. */
export interface LoadRunDeps {
  /** Aborting ends the run early with a partial summary. */
  readonly signal?: AbortSignal;
  /** Called at each phase boundary (the CLI prints them on stderr). */
  readonly onPhase?: (phase: LoadPhase) => void;
  /** Wall clock in epoch ms with sub-ms resolution. */
  readonly clock?: () => number;
  /** Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
}

/** What a peer's `GET /stats` said it emitted during the window, per symbol. */
export type ServerReport = Readonly<Record<string, number>> | null;

/** The JSON summary the load generator prints. */
export interface LoadSummary {
  readonly target: TargetKind;
  readonly url: string;
  readonly connections: number;
  readonly symbols: readonly string[];
  readonly mux_ratio: number;
  /** Why the run ended early, or null when it ran to completion. */
  readonly aborted: string | null;
  readonly ready_ms: number | null;
  readonly handshakes: {
    readonly attempted: number;
    readonly accepted: number;
    readonly failed: number;
    readonly failure_reasons: Readonly<Record<string, number>>;
    readonly ramp_s: number;
    readonly latency: LatencySummary;
  };
  readonly delivery: DeliverySummary;
  /** Ticks the peer says it emitted during the window (peers only). */
  readonly server_emitted_per_symbol: ServerReport;
  /** Closes the generator did not ask for, by close code. */
  readonly closes_by_code: Readonly<Record<string, number>>;
  readonly other_frames: number;
  readonly malformed_frames: number;
  readonly generator: {
    readonly rss_mb: number;
    /** Event-loop lag of the generator during the window: if high, the client was the bottleneck. */
    readonly loop_lag: LatencySummary;
  };
  /**
   * The samples behind the three latency summaries above, so the summaries
   * of several generator processes can be merged (`load_merge.ts`).
   */
  readonly histograms: {
    readonly handshake: HistogramData;
    readonly delivery: HistogramData;
    readonly loop_lag: HistogramData;
  };
}

/** A summary as a result file keeps it: without the histograms' samples. */
export type LoadFigures = Omit<LoadSummary, "histograms">;

const MAX_REASONS = 20;
/** Longest wait for the sockets' close handshakes at the end of a run. */
const CLOSE_GRACE_MS = 3_000;

/** Runs the load described by `options`; see the module doc. */
export async function runLoad(
  options: LoadOptions,
  deps: LoadRunDeps = {},
): Promise<LoadSummary> {
  const {
    signal,
    onPhase = () => {},
    clock = () => performance.timeOrigin + performance.now(),
    fetch: fetchFn = globalThis.fetch,
  } = deps;
  const kind = options.target;
  const symbols = options.symbols;
  const stats = new DeliveryStats(symbols);
  const handshakeLatency = new LatencyHistogram();
  const loopLag = new LatencyHistogram();
  const reasons = new Map<string, number>();
  const closes = new Map<string, number>();
  const sockets: LoadSocket[] = [];
  const fields: TickFields = { seq: 0, ts: 0, symbolIndex: -1 };
  let accepted = 0;
  let failed = 0;
  let otherFrames = 0;
  let malformed = 0;
  let closingAll = false;
  let unclosed = 0;
  let allClosed: (() => void) | undefined;
  let readyMs: number | null = null;
  let rampSeconds = 0;
  let serverEmitted: ServerReport = null;

  const addReason = (reason: string) => {
    const key = reasons.has(reason) || reasons.size < MAX_REASONS
      ? reason
      : "other";
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  };
  const countClose = (code: string) => {
    if (!closingAll) closes.set(code, (closes.get(code) ?? 0) + 1);
  };

  function connect(socketSymbols: number[]): Promise<void> {
    return new Promise((resolve) => {
      const track = stats.track(socketSymbols);
      const started = clock();
      let settled = false;
      let lastError = "";
      const ws = openLoadSocket(
        options.client,
        socketUrl(kind, options.url, socketSymbols.map((i) => symbols[i])),
      );
      sockets.push(ws);
      unclosed++;
      const settle = (ok: boolean, reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (ok) {
          accepted++;
          handshakeLatency.record((clock() - started) * 1000);
          stats.opened(track);
        } else {
          failed++;
          addReason(normalizeReason(reason));
          ws.close();
        }
        resolve();
      };
      const timer = setTimeout(
        () => settle(false, "handshake timeout"),
        options.handshakeTimeout * 1000,
      );
      ws.onerror = (event) => {
        lastError = event.message || "socket error";
        settle(false, lastError);
      };
      ws.onclose = (event) => {
        if (--unclosed === 0) allClosed?.();
        if (!settled) {
          settle(false, lastError || `closed before accept (${event.code})`);
        } else if (track.open) {
          stats.closed(track);
          countClose(String(event.code));
        }
      };
      const onTick = (data: string, start: number) => {
        if (!scanTick(data, start, symbols, fields)) {
          malformed++;
          return;
        }
        stats.tick(
          track,
          fields.symbolIndex,
          fields.seq,
          (clock() - fields.ts) * 1000,
          data.length - start,
        );
      };
      if (kind === "socketio") {
        ws.onmessage = (event) => {
          const data = event.data;
          if (typeof data !== "string") return void otherFrames++;
          switch (socketIoPacket(data)) {
            case "tick":
              return onTick(data, SOCKETIO_TICK_OFFSET);
            case "ping":
              return ws.send(ENGINEIO_PONG);
            case "open":
              return ws.send(SOCKETIO_CONNECT);
            case "connected":
              return settle(true, "");
            case "connect-error":
              return settle(false, `socket.io connect error: ${data.slice(2)}`);
            case "disconnect":
              if (track.open) {
                stats.closed(track);
                countClose("socketio-disconnect");
              }
              return;
            default:
              otherFrames++;
          }
        };
      } else {
        ws.onopen = () => settle(true, "");
        ws.onmessage = (event) => {
          const data = event.data;
          if (typeof data !== "string") return void otherFrames++;
          const frame = frameKind(data);
          if (frame === "tick") return onTick(data, 0);
          if (frame === "batch") {
            return stats.baseline(
              track,
              batchSymbolIndex(data, symbols),
              lastSeqOfBatch(data),
            );
          }
          otherFrames++;
        };
      }
    });
  }

  const readServerEmitted = async (): Promise<
    Record<string, number> | null
  > => {
    if (kind === "sentinel") return null;
    try {
      const response = await fetchFn(new URL("/stats", options.url), {
        signal: AbortSignal.timeout(2_000),
      });
      const body = await response.json() as {
        symbols?: Record<string, { emitted?: number }>;
      };
      const out: Record<string, number> = {};
      for (const symbol of symbols) {
        const emitted = body.symbols?.[symbol]?.emitted;
        if (typeof emitted === "number") out[symbol] = emitted;
      }
      return out;
    } catch {
      return null;
    }
  };

  let lagTimer: ReturnType<typeof setInterval> | undefined;
  try {
    const ready = await waitForReady(new URL("/api/health", options.url).href, {
      timeoutMs: options.readyTimeout * 1000,
      signal,
      fetch: fetchFn,
    });
    readyMs = Math.round(ready.elapsedMs);
    onPhase("ready");

    const plan = planSockets(
      options.connections,
      symbols.length,
      options.muxRatio,
    );
    const rampStarted = performance.now();
    const handshakes: Promise<void>[] = [];
    let inFlight = 0;
    let slotFreed: (() => void) | undefined;
    signal?.addEventListener("abort", () => slotFreed?.(), { once: true });
    for (let i = 0; i < plan.length && !signal?.aborted; i++) {
      const due = rampStarted + i * 1000 / options.rampRate;
      const wait = due - performance.now();
      if (wait >= 1) await abortableSleep(wait, signal);
      while (inFlight >= options.rampConcurrency && !signal?.aborted) {
        await new Promise<void>((resolve) => slotFreed = resolve);
      }
      if (signal?.aborted) break;
      inFlight++;
      handshakes.push(
        connect(plan[i]).then(() => {
          inFlight--;
          slotFreed?.();
          slotFreed = undefined;
        }),
      );
    }
    await raceAbort(Promise.all(handshakes), signal);
    rampSeconds = (performance.now() - rampStarted) / 1000;
    onPhase("ramp-done");
    // An accepted socket may get its history a moment after "open": start
    // the window once every socket streams, so no window tick reaches
    // anyone as history (bounded; `replayed_in_window` shows any that did).
    const warmupUntil = performance.now() + WARMUP_LIMIT_S * 1000;
    while (
      !signal?.aborted && !stats.allStreaming() &&
      performance.now() < warmupUntil
    ) {
      await abortableSleep(20, signal);
    }

    if (!signal?.aborted && accepted > 0) {
      const before = await readServerEmitted();
      stats.startWindow();
      onPhase("window-start");
      const windowStarted = performance.now();
      let expected = windowStarted + 100;
      lagTimer = setInterval(() => {
        const now = performance.now();
        loopLag.record((now - expected) * 1000);
        expected = now + 100;
      }, 100);
      await abortableSleep(options.duration * 1000, signal);
      stats.endWindow(performance.now() - windowStarted);
      clearInterval(lagTimer);
      onPhase("window-end");
      const after = await readServerEmitted();
      if (before && after) {
        serverEmitted = Object.fromEntries(
          Object.keys(after).map((s) => [s, after[s] - (before[s] ?? 0)]),
        );
      }
      const drainUntil = performance.now() + options.drain * 1000;
      while (
        !signal?.aborted && !stats.drained() && performance.now() < drainUntil
      ) {
        await abortableSleep(
          Math.min(50, drainUntil - performance.now()),
          signal,
        );
      }
      onPhase("drained");
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    clearInterval(lagTimer);
    closingAll = true;
    for (const ws of sockets) {
      if (
        ws.readyState === SOCKET_STATE.OPEN ||
        ws.readyState === SOCKET_STATE.CONNECTING
      ) {
        ws.close(1000);
      }
    }
    // Let the close handshakes finish (bounded) so the server sees clean
    // closes and the process leaves no sockets behind.
    if (unclosed > 0) {
      await raceAbort(
        new Promise<void>((resolve) => allClosed = resolve),
        AbortSignal.timeout(CLOSE_GRACE_MS),
      );
    }
  }

  return {
    target: kind,
    url: options.url,
    connections: options.connections,
    symbols,
    mux_ratio: options.muxRatio,
    aborted: signal?.aborted ? String(signal.reason ?? "aborted") : null,
    ready_ms: readyMs,
    handshakes: {
      attempted: accepted + failed,
      accepted,
      failed,
      failure_reasons: Object.fromEntries(reasons),
      ramp_s: Math.round(rampSeconds * 1000) / 1000,
      latency: handshakeLatency.summary(),
    },
    delivery: stats.finish(),
    server_emitted_per_symbol: serverEmitted,
    closes_by_code: Object.fromEntries(closes),
    other_frames: otherFrames,
    malformed_frames: malformed,
    generator: {
      rss_mb: Math.round(Deno.memoryUsage().rss / 1048576),
      loop_lag: loopLag.summary(),
    },
    histograms: {
      handshake: handshakeLatency.toData(),
      delivery: stats.latencyData(),
      loop_lag: loopLag.toData(),
    },
  };
}

/** Resolves when `promise` settles or `signal` aborts, whichever is first. */
function raceAbort<T>(
  promise: Promise<T>,
  signal?: AbortSignal,
): Promise<unknown> {
  if (!signal) return promise;
  return Promise.race([
    promise,
    new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    }),
  ]);
}
