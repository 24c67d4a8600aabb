/**
 * The REST ingestion engine: poll, analyse, emit, repeat — forever, whatever
 * the upstream does. It keeps the contract in `engine_contract.ts`.
 *
 * Runtime-neutral on purpose: no Worker APIs, all I/O injected (fetch, clock,
 * random), results leave through callbacks. The same class runs inside the Web
 * Worker and, where workers are unavailable, in the main isolate.
 *
 * Each cycle is wrapped so that nothing the upstream sends (or fails to send)
 * can end the loop: a failure is classified, counted, reported through
 * `onState`/`onLog`, and the next attempt is scheduled with backoff. Polls are
 * paced from the start of the previous poll, so the rate stays steady however
 * long a request takes. While waiting (a rate-limit pause lasts minutes) the
 * loop still emits its state every `heartbeatMs`, which is how the host tells a
 * live worker from a dead one.
 *
 * Each cycle polls every configured market (`spot`, `linear`) at once, one
 * request per market; a market that fails does not cost the others their
 * ticks, but the cycle counts as failed and backs off.
 *
 * In WebSocket mode the same loop is the fallback, one per market:
 * `category_feed.ts` shares its analyzer, `pause()`s / `resume()`s it as the
 * streams come and go, and lets through only the symbols the streams are not
 * delivering (`accept`).
 */
import { TickAnalyzer } from "../../analytics/tick_analyzer.ts";
import type { AnalyzedTick } from "../../protocol/analyzed_tick.ts";
import { fullJitterDelay, rateLimitDelay } from "../bybit/backoff.ts";
import type { RejectedItem } from "../bybit/bybit_schema.ts";
import { type Clock, systemClock, type TimerId } from "../../clock/clock.ts";
import { type PollResult, TickersPoller } from "../bybit/tickers_poller.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import { UpstreamError } from "../bybit/upstream_error.ts";
import { describeError, EngineReporter } from "./callback_guard.ts";
import {
  DEFAULT_HEARTBEAT_MS,
  type IngestCallbacks,
  type IngestConfig,
  type IngestEngine,
  type IngestFailureKind,
  type UpstreamState,
  ZERO_COUNTERS,
} from "./engine_contract.ts";

/** Options of {@linkcode IngestLoop}; polling never yields trades or liquidations. */
export interface IngestLoopOptions
  extends Omit<IngestCallbacks, "onTrades" | "onLiquidations"> {
  readonly config: IngestConfig;
  /**
   * Analyzer of the ticks; shared when another source feeds the same
   * symbols, so velocity and whale edges continue across a switch. Default:
   * a new one with the configured thresholds.
   */
  readonly analyzer?: TickAnalyzer;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default: {@linkcode systemClock}. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Longest silence while waiting, ms. Default {@linkcode DEFAULT_HEARTBEAT_MS}. */
  readonly heartbeatMs?: number;
  /** Markets polled. Default: `config.markets`. */
  readonly categories?: readonly MarketCategory[];
  /**
   * Which symbols' ticks are emitted (channel id → yes/no). Default: all.
   * A fallback lets through only what the streams are not delivering.
   */
  readonly accept?: (symbol: string) => boolean;
}

/** Polls, analyses and reports until stopped. */
export class IngestLoop implements IngestEngine {
  #pollers: TickersPoller[];
  #accept: ((symbol: string) => boolean) | undefined;
  #analyzer: TickAnalyzer;
  #report: EngineReporter;
  #clock: Clock;
  #random: () => number;
  #intervalMs: number;
  #heartbeatMs: number;

  #started = false;
  #stopped = false;
  #paused = false;
  /** Bumped by `pause()`: a cycle of an older generation is discarded. */
  #generation = 0;
  #timer: TimerId | undefined;
  #abort: AbortController | undefined;
  #inflight: Promise<void> | undefined;
  #nextAttemptAt: number | null = null;
  #rateLimitStreak = 0;
  #rejectReasons = new Map<string | null, string>();

  #simulated = false;
  #latencyMs: number | null = null;
  #lastSuccess: number | null = null;
  #lastAttempt: number | null = null;
  #consecutiveFailures = 0;
  #lastError: UpstreamState["lastError"] = null;
  #unavailable: readonly string[] = [];
  #requests = 0;
  #errors = 0;
  #itemsRejected = 0;
  #ticks = 0;

  /** Throws a `RangeError` naming a bad interval, timeout or URL. */
  constructor(options: IngestLoopOptions) {
    const { upstream } = options.config;
    if (!(upstream.pollIntervalMs > 0)) {
      throw new RangeError(
        `pollIntervalMs must be > 0, got ${upstream.pollIntervalMs}`,
      );
    }
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (!(this.#heartbeatMs > 0)) {
      throw new RangeError(`heartbeatMs must be > 0, got ${this.#heartbeatMs}`);
    }
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#intervalMs = upstream.pollIntervalMs;
    this.#report = new EngineReporter(options, () => this.state());
    const categories = options.categories ?? options.config.markets;
    if (categories.length === 0) {
      throw new RangeError("categories must name at least one market");
    }
    this.#pollers = categories.map((category) =>
      new TickersPoller({
        tickersUrl: upstream.tickersUrl,
        timeoutMs: upstream.timeoutMs,
        category,
        symbols: options.config.symbols,
        fetch: options.fetch,
        clock: this.#clock,
      })
    );
    this.#accept = options.accept;
    this.#analyzer = options.analyzer ??
      new TickAnalyzer(options.config.thresholds);
  }

  /** Starts polling at once. A loop starts only once. */
  start(): void {
    if (this.#started) throw new Error("IngestLoop was already started");
    this.#started = true;
    this.#inflight = this.#cycle();
  }

  /**
   * Stops polling until {@linkcode IngestLoop.resume}: cancels the timer and
   * aborts an in-flight request (its outcome is discarded). State and
   * counters are kept.
   */
  pause(): void {
    if (!this.#started || this.#stopped || this.#paused) return;
    this.#paused = true;
    this.#generation++;
    if (this.#timer !== undefined) {
      this.#clock.clearTimer(this.#timer);
      this.#timer = undefined;
    }
    this.#abort?.abort();
    this.#nextAttemptAt = null;
  }

  /** Polls at once after a pause (or starts a loop never started). */
  resume(): void {
    if (!this.#started) return this.start();
    if (this.#stopped || !this.#paused) return;
    this.#paused = false;
    const previous = this.#inflight;
    const cycle = this.#cycle();
    this.#inflight = previous
      ? Promise.all([previous, cycle]).then(() => {})
      : cycle;
  }

  /** Whether polling is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Replaces one symbol's whale threshold for the ticks that follow. */
  setThreshold(symbol: string, threshold: number): void {
    this.#analyzer.setThreshold(symbol, threshold);
  }

  /**
   * Polls for `symbols` from the next cycle on. `thresholds` applies to the
   * analyzer only when this loop owns it (not as a shared fallback).
   */
  setSymbols(
    symbols: readonly TrackedSymbol[],
    thresholds?: Readonly<Record<string, number>>,
  ): void {
    for (const poller of this.#pollers) poller.setSymbols(symbols);
    if (thresholds !== undefined) this.#analyzer.retain(thresholds);
  }

  /** A snapshot of the current state. */
  state(): UpstreamState {
    const now = this.#clock.now();
    const next = this.#stopped || this.#paused ? null : this.#nextAttemptAt;
    return {
      source: this.#simulated ? "simulator" : "rest",
      mode: "rest",
      simulated: this.#simulated,
      host: this.#pollers[0].host,
      latencyMs: this.#latencyMs,
      lastSuccess: this.#lastSuccess,
      lastAttempt: this.#lastAttempt,
      consecutiveFailures: this.#consecutiveFailures,
      lastError: this.#lastError,
      nextAttemptAt: next,
      nextAttemptInMs: next === null ? null : Math.max(0, next - now),
      unavailableSymbols: this.#unavailable,
      ws: null,
      counters: {
        ...ZERO_COUNTERS,
        requests: this.#requests,
        errors: this.#errors,
        itemsRejected: this.#itemsRejected,
        ticks: this.#ticks,
      },
    };
  }

  /**
   * Stops polling: cancels the pending timer, aborts an in-flight request and
   * resolves once the current cycle has ended. Safe to call more than once.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#report.mute();
    if (this.#timer !== undefined) {
      this.#clock.clearTimer(this.#timer);
      this.#timer = undefined;
    }
    this.#abort?.abort();
    await this.#inflight;
  }

  async #cycle(): Promise<void> {
    const generation = this.#generation;
    const started = this.#clock.now();
    // Pace from when this poll was due, not when its timer fired, so timer
    // lateness does not accumulate into a slower rate.
    const due = Math.min(this.#nextAttemptAt ?? started, started);
    this.#lastAttempt = started;
    this.#requests += this.#pollers.length;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const settled = await Promise.allSettled(
        this.#pollers.map((poller) => poller.poll(abort.signal)),
      );
      if (this.#stopped || generation !== this.#generation) return;
      const results: PollResult[] = [];
      let failure: unknown;
      let failed = false;
      for (const outcome of settled) {
        if (outcome.status === "fulfilled") results.push(outcome.value);
        else if (!failed) {
          failed = true;
          failure = outcome.reason;
        }
      }
      if (!failed) this.#succeeded(merge(results), due);
      else {
        // The markets that answered still deliver their ticks.
        for (const result of results) this.#emit(result);
        this.#failed(failure, started);
      }
    } catch (error) {
      if (this.#stopped || generation !== this.#generation) return;
      this.#failed(error, started);
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
    this.#report.state();
    this.#arm();
  }

  #succeeded(result: PollResult, due: number): void {
    if (this.#consecutiveFailures > 0) {
      this.#report.log("info", "Upstream recovered", {
        afterFailures: this.#consecutiveFailures,
      });
    }
    if (this.#lastSuccess === null || result.simulated !== this.#simulated) {
      this.#report.log("info", "Upstream responding", {
        host: this.#pollers[0].host,
        simulated: result.simulated,
      });
    }
    this.#consecutiveFailures = 0;
    this.#rateLimitStreak = 0;
    this.#simulated = result.simulated;
    this.#latencyMs = result.latencyMs;
    this.#lastSuccess = this.#clock.now();
    this.#nextAttemptAt = Math.max(due + this.#intervalMs, this.#lastSuccess);
    this.#noteRejected(result.rejected);
    this.#noteMissing(result.missing);
    this.#emit(result);
  }

  /** Analyses and reports the accepted ticks of `result`. */
  #emit(result: PollResult): void {
    const accept = this.#accept;
    const ticks = accept === undefined
      ? result.ticks
      : result.ticks.filter((tick) => accept(tick.symbol));
    if (ticks.length === 0) return;
    const source = result.simulated ? "simulator" : "rest";
    const analyzed: AnalyzedTick[] = new Array(ticks.length);
    for (let i = 0; i < ticks.length; i++) {
      analyzed[i] = this.#analyzer.analyze(ticks[i], source);
    }
    this.#ticks += analyzed.length;
    this.#report.ticks(analyzed);
  }

  #failed(error: unknown, started: number): void {
    this.#errors++;
    this.#consecutiveFailures++;
    const upstream = error instanceof UpstreamError ? error : undefined;
    const kind: IngestFailureKind =
      upstream === undefined || upstream.kind === "aborted"
        ? "internal"
        : upstream.kind;
    if (upstream?.status !== undefined) this.#simulated = upstream.simulated;
    let delay: number;
    if (kind === "rate-limited") {
      delay = rateLimitDelay(this.#rateLimitStreak++, {
        status: upstream?.status,
        retryAfterMs: upstream?.retryAfterMs,
      }, this.#random);
    } else {
      this.#rateLimitStreak = 0;
      delay = fullJitterDelay(this.#consecutiveFailures - 1, {
        random: this.#random,
      });
    }
    const now = this.#clock.now();
    this.#nextAttemptAt = Math.max(started + this.#intervalMs, now + delay);
    const message = upstream?.message ??
      `Unexpected ingestion error: ${describeError(error)}`;
    this.#lastError = { kind, message, at: now };
    this.#report.log(
      kind === "internal" ? "error" : "warn",
      "Upstream poll failed",
      {
        kind,
        message,
        status: upstream?.status ?? null,
        retCode: upstream?.retCode ?? null,
        consecutiveFailures: this.#consecutiveFailures,
        retryInMs: Math.round(this.#nextAttemptAt - now),
      },
    );
  }

  /** Logs a rejected item only when its reason differs from the last poll's. */
  #noteRejected(rejected: readonly RejectedItem[]): void {
    if (rejected.length === 0 && this.#rejectReasons.size === 0) return;
    this.#itemsRejected += rejected.length;
    const previous = this.#rejectReasons;
    this.#rejectReasons = new Map();
    for (const { symbol, reason } of rejected) {
      if (previous.get(symbol) !== reason) {
        this.#report.log("warn", "Upstream item rejected", { symbol, reason });
      }
      this.#rejectReasons.set(symbol, reason);
    }
  }

  #noteMissing(missing: readonly string[]): void {
    const before = this.#unavailable;
    if (
      missing.length === before.length &&
      missing.every((id, i) => id === before[i])
    ) {
      return;
    }
    this.#unavailable = missing;
    if (missing.length > 0) {
      this.#report.log("warn", "Tracked symbols not listed by the exchange", {
        symbols: missing.join(","),
      });
    } else {
      this.#report.log("info", "All tracked symbols listed again", {
        symbols: before.join(","),
      });
    }
  }

  /** Waits for the next attempt, emitting heartbeats on long waits. */
  #arm(): void {
    if (this.#stopped || this.#paused || this.#nextAttemptAt === null) return;
    const wait = Math.max(0, this.#nextAttemptAt - this.#clock.now());
    if (wait > this.#heartbeatMs) {
      this.#timer = this.#clock.setTimer(() => {
        this.#timer = undefined;
        this.#report.state();
        this.#arm();
      }, this.#heartbeatMs);
      return;
    }
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.#inflight = this.#cycle();
    }, wait);
  }
}

/** One poll's results over every market, as if one answer. */
function merge(results: readonly PollResult[]): PollResult {
  if (results.length === 1) return results[0];
  return {
    ticks: results.flatMap((r) => r.ticks),
    rejected: results.flatMap((r) => r.rejected),
    missing: results.flatMap((r) => r.missing),
    latencyMs: Math.max(...results.map((r) => r.latencyMs)),
    simulated: results.some((r) => r.simulated),
  };
}
