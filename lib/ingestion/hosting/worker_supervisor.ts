/**
 * Ingestion in a Web Worker, kept alive from the main thread.
 *
 * Every message from the worker is validated before it reaches the service.
 * A worker that raises an uncaught error, or sends no state for `watchdogMs`
 * (the loop heartbeats its state even during a long backoff, so silence
 * means the thread is stuck or gone), is terminated and replaced after a
 * jittered backoff. The new worker starts with the current thresholds, and its
 * counters continue from the dead worker's so metrics never go backwards.
 * Each `batch` is acked once the service has it: the worker sends one batch
 * at a time (`batch_gate.ts`), so a busy main thread never builds a queue.
 */
import type { LogLevel } from "../../config/config_schema.ts";
import { fullJitterDelay, type FullJitterOptions } from "../bybit/backoff.ts";
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import {
  DEFAULT_HEARTBEAT_MS,
  type IngestCallbacks,
  type IngestConfig,
  type IngestCounters,
  type LogFields,
  type UpstreamState,
} from "../engines/engine_contract.ts";
import {
  deliverWorkerMessage,
  type HeapFigures,
  type HostMessage,
  parseWorkerMessage,
} from "./worker_messages.ts";
import {
  checkThreshold,
  type IngestionHandle,
  type IngestionStatus,
} from "./ingestion_handle.ts";
import { operatorSafeText } from "../bybit/upstream_error.ts";
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";

/** Options of {@linkcode WorkerIngestion}. */
export interface WorkerIngestionOptions extends IngestCallbacks {
  /** A `ServiceConfig` will do; only upstream, markets, symbols and thresholds are sent. */
  readonly config: IngestConfig;
  /**
   * Clock of the host's timers (watchdog, restart backoff, stop timeout); the
   * worker itself always runs on real time. Default: the system clock.
   */
  readonly clock?: Clock;
  /** Jitter source in [0, 1) for restart delays. Default `Math.random`. */
  readonly random?: () => number;
  /**
   * No state from the worker for this long means it is dead, ms. Default:
   * the request timeout plus three heartbeats, at least 30 s.
   */
  readonly watchdogMs?: number;
  /** Backoff between restarts. Default base 1 s, cap 30 s. */
  readonly restartBackoff?: Pick<FullJitterOptions, "baseMs" | "capMs">;
  /** How long `stop()` waits for the worker to finish, ms. Default 5,000. */
  readonly stopTimeoutMs?: number;
  /** Worker module, for test fixtures. Default `./worker_entry.ts`. */
  readonly workerUrl?: URL;
}

/** No Web Worker could be created here (the caller may run inline instead). */
export class WorkerUnavailableError extends Error {
  /** `reason` says why, e.g. `Worker is not defined`. */
  constructor(reason: string) {
    super(`Web Workers unavailable: ${reason}`);
    this.name = "WorkerUnavailableError";
  }
}

const DEFAULT_RESTART_BACKOFF = { baseMs: 1_000, capMs: 30_000 } as const;
/** A worker that lived this long before dying restarts from the first step. */
const STABLE_WORKER_MS = 60_000;
/** Floor of a restart delay, so a worker failing at boot never spins. */
const MIN_RESTART_DELAY_MS = 100;

/** A worker running `worker_entry.ts` (or `url`), or why none could start. */
function createWorker(url?: URL): Worker | string {
  if (typeof Worker === "undefined") return "Worker is not defined";
  try {
    return new Worker(
      url ?? new URL("./worker_entry.ts", import.meta.url),
      { type: "module" },
    );
  } catch (error) {
    return operatorSafeText(
      error instanceof Error ? error.message : String(error),
    );
  }
}

/** The loop in a Web Worker, restarted when it dies. */
export class WorkerIngestion implements IngestionHandle {
  #options: WorkerIngestionOptions;
  #clock: Clock;
  #watchdogMs: number;
  #thresholds: Record<string, number>;
  #symbols: readonly TrackedSymbol[];

  #worker: Worker | undefined;
  #startedAt = 0;
  #lastStateAt = 0;
  #watchdog: TimerId | undefined;
  #restartTimer: TimerId | undefined;
  #restartAttempt = 0;
  #restarts = 0;
  #lastRestartReason: string | null = null;
  #workerHeap: HeapFigures | null = null;
  #stopping: Promise<void> | undefined;
  #onStopped: (() => void) | undefined;

  /** Last state of the current worker, and what dead workers carried. */
  #lastState: UpstreamState | undefined;
  #carried: UpstreamState | undefined;

  /**
   * Starts a worker. Throws a `RangeError` for a bad option, and a
   * {@linkcode WorkerUnavailableError} when no worker can be created.
   */
  constructor(options: WorkerIngestionOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#thresholds = { ...options.config.thresholds };
    this.#symbols = options.config.symbols;
    this.#watchdogMs = options.watchdogMs ??
      Math.max(
        30_000,
        options.config.upstream.timeoutMs + 3 * DEFAULT_HEARTBEAT_MS,
      );
    if (!(this.#watchdogMs > 0)) {
      throw new RangeError(`watchdogMs must be > 0, got ${this.#watchdogMs}`);
    }
    const worker = createWorker(options.workerUrl);
    if (typeof worker === "string") throw new WorkerUnavailableError(worker);
    this.#attach(worker);
  }

  setThreshold(symbol: string, value: number): void {
    checkThreshold(this.#symbols, symbol, value);
    this.#thresholds[symbol] = value;
    this.#send({ type: "set-threshold", symbol, value });
  }

  setSymbols(
    symbols: readonly TrackedSymbol[],
    thresholds: Readonly<Record<string, number>>,
  ): void {
    this.#symbols = symbols.map(copySymbol);
    this.#thresholds = { ...thresholds };
    this.#send({
      type: "set-symbols",
      symbols: [...this.#symbols],
      thresholds: { ...this.#thresholds },
    });
  }

  status(): IngestionStatus {
    return {
      mode: "worker",
      running: this.#stopping === undefined && this.#worker !== undefined,
      restarts: this.#restarts,
      lastRestartReason: this.#lastRestartReason,
      workerHeap: this.#workerHeap,
    };
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    if (this.#restartTimer !== undefined) {
      this.#clock.clearTimer(this.#restartTimer);
      this.#restartTimer = undefined;
    }
    this.#stopWatchdog();
    const worker = this.#worker;
    if (worker === undefined) return;
    const stopped = new Promise<void>((resolve) => {
      this.#onStopped = resolve;
    });
    const timeout = this.#clock.setTimer(
      () => this.#onStopped?.(),
      this.#options.stopTimeoutMs ?? 5_000,
    );
    this.#send({ type: "stop" });
    await stopped;
    this.#clock.clearTimer(timeout);
    worker.terminate();
    this.#worker = undefined;
  }

  #attach(worker: Worker): void {
    this.#worker = worker;
    this.#startedAt = this.#lastStateAt = this.#clock.now();
    this.#lastState = undefined;
    worker.onmessage = (event) => this.#receive(worker, event.data);
    worker.onerror = (event) => {
      // Without preventDefault the error would propagate and end this isolate.
      event.preventDefault();
      this.#died(worker, `Worker error: ${event.message}`);
    };
    worker.onmessageerror = () =>
      this.#died(worker, "Worker sent a message that could not be read");
    this.#send({
      type: "start",
      config: {
        upstream: { ...this.#options.config.upstream },
        markets: [...this.#options.config.markets],
        symbols: this.#symbols.map(copySymbol),
        thresholds: { ...this.#thresholds },
      },
    });
    this.#armWatchdog();
  }

  #receive(worker: Worker, data: unknown): void {
    if (worker !== this.#worker) return;
    const parsed = parseWorkerMessage(data);
    if (!parsed.ok) {
      this.#log("error", "Invalid message from the ingestion worker", {
        reason: parsed.reason,
      });
      return;
    }
    const message = parsed.message;
    if (message.type === "stopped") {
      this.#onStopped?.();
      return;
    }
    if (message.type === "heap") {
      this.#workerHeap = { used: message.used, total: message.total };
      return;
    }
    if (message.type === "state") {
      this.#lastStateAt = this.#clock.now();
      this.#lastState = message.state;
      this.#guarded(() =>
        deliverWorkerMessage(
          { type: "state", state: this.#continued(message.state) },
          this.#options,
        )
      );
      return;
    }
    this.#guarded(() => deliverWorkerMessage(message, this.#options));
    // The service has the batch: the worker may send the next (batch_gate.ts).
    if (message.type === "batch") this.#send({ type: "ack" });
  }

  /** A new worker's state, continuing the counters of the dead ones. */
  #continued(state: UpstreamState): UpstreamState {
    const carried = this.#carried;
    if (carried === undefined) return state;
    return {
      ...state,
      latencyMs: state.latencyMs ?? carried.latencyMs,
      lastSuccess: state.lastSuccess ?? carried.lastSuccess,
      lastError: state.lastError ?? carried.lastError,
      counters: sumCounters(carried.counters, state.counters),
    };
  }

  #armWatchdog(): void {
    const remaining = this.#lastStateAt + this.#watchdogMs - this.#clock.now();
    this.#watchdog = this.#clock.setTimer(() => {
      this.#watchdog = undefined;
      const worker = this.#worker;
      if (worker === undefined || this.#stopping !== undefined) return;
      const silent = this.#clock.now() - this.#lastStateAt;
      if (silent >= this.#watchdogMs) {
        this.#died(worker, `No state from the worker for ${silent} ms`);
      } else {
        this.#armWatchdog();
      }
    }, Math.max(0, remaining));
  }

  #died(worker: Worker, reason: string): void {
    if (worker !== this.#worker || this.#stopping !== undefined) return;
    worker.terminate();
    this.#worker = undefined;
    this.#stopWatchdog();
    if (this.#lastState !== undefined) {
      this.#carried = this.#continued(this.#lastState);
      this.#lastState = undefined;
    }
    this.#scheduleRestart(reason);
  }

  #scheduleRestart(reason: string): void {
    const now = this.#clock.now();
    if (now - this.#startedAt >= STABLE_WORKER_MS) this.#restartAttempt = 0;
    const delay = Math.max(
      MIN_RESTART_DELAY_MS,
      fullJitterDelay(this.#restartAttempt++, {
        ...DEFAULT_RESTART_BACKOFF,
        ...this.#options.restartBackoff,
        random: this.#options.random,
      }),
    );
    this.#restarts++;
    this.#lastRestartReason = operatorSafeText(reason);
    this.#log("error", "Ingestion worker died; restarting", {
      reason: this.#lastRestartReason,
      restarts: this.#restarts,
      restartInMs: Math.round(delay),
    });
    this.#restartTimer = this.#clock.setTimer(() => {
      this.#restartTimer = undefined;
      this.#respawn();
    }, delay);
  }

  #respawn(): void {
    if (this.#stopping !== undefined) return;
    const worker = createWorker(this.#options.workerUrl);
    if (typeof worker === "string") {
      this.#scheduleRestart(`Worker could not be created: ${worker}`);
      return;
    }
    this.#attach(worker);
    this.#log("info", "Ingestion worker restarted", {
      restarts: this.#restarts,
    });
  }

  #send(message: HostMessage): void {
    this.#worker?.postMessage(message);
  }

  #stopWatchdog(): void {
    if (this.#watchdog === undefined) return;
    this.#clock.clearTimer(this.#watchdog);
    this.#watchdog = undefined;
  }

  #log(
    level: LogLevel,
    message: string,
    fields: LogFields,
  ): void {
    this.#guarded(() => this.#options.onLog(level, message, fields));
  }

  /** A throwing callback must not take the host's event handlers down. */
  #guarded(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      try {
        this.#options.onLog("error", "Ingestion consumer failed", {
          message: operatorSafeText(
            error instanceof Error ? error.message : String(error),
          ),
        });
      } catch {
        // The logger itself failed; nothing left to report to.
      }
    }
  }
}

/** A symbol with exactly the fields the worker validates. */
function copySymbol(s: TrackedSymbol): TrackedSymbol {
  return { id: s.id, upstream: s.upstream, category: s.category };
}

/** Counters of two worker lifetimes, key by key. */
function sumCounters(a: IngestCounters, b: IngestCounters): IngestCounters {
  const sum = { ...b };
  for (const key of Object.keys(b) as (keyof IngestCounters)[]) {
    sum[key] = a[key] + b[key];
  }
  return sum;
}
