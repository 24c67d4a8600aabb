/**
 * The page's one socket to `/ws/stream`, kept alive: reconnects with backoff
 * and full jitter (reset once a connection has proved stable), resumes from
 * the last seq it holds, treats a silent socket as dead, stops on policy
 * refusals (with the server's reason), waits out 429s, and follows the
 * browser's online/offline and visibility events. While it waits to retry it
 * asks `/api/health` about once a second (at jittered times, so a crowd of
 * pages spreads out) and reconnects as soon as the service answers, instead
 * of sleeping out a backoff that grew while the service was down. Its state is a signal the
 * banner renders. Every timer and listener goes away in `dispose()`.
 *
 * Sockets, timers, fetch and the window are injected, so the whole lifecycle
 * runs in unit tests with fakes and `FakeClock` (`lib/clock/fake_clock.ts`).
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { Clock, TimerId } from "../clock/clock.ts";
import type { ServerFrame } from "../protocol/frames.ts";
import type { DashboardEnvironment } from "./dashboard_inputs.ts";
import {
  decideAfterClose,
  decideAfterProbe,
  parseRetryAfterSeconds,
  type ProbeResult,
  type ReconnectDecision,
  reconnectDelay,
} from "./reconnect_policy.ts";

/** Connection states, as the banner shows them. */
export type ConnectionState =
  | { readonly phase: "connecting"; readonly attempt: number }
  | { readonly phase: "open"; readonly openedAt: number }
  | {
    readonly phase: "retrying";
    readonly attempt: number;
    readonly retryAt: number;
    readonly reason: string;
  }
  | { readonly phase: "offline" }
  | {
    readonly phase: "rejected";
    readonly status: number;
    readonly error: string;
    readonly detail: string;
    /** When it retries by itself (429), or null (policy: never). */
    readonly retryAt: number | null;
  }
  | { readonly phase: "stopped" };

/** The part of `WebSocket` the connection uses. */
export interface SocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

/** Where browser events come from (`window`/`document`, or a fake). */
export interface BrowserEvents {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
  /** `navigator.onLine`. */
  isOnline(): boolean;
  /** `document.visibilityState === "visible"`. */
  isVisible(): boolean;
}

/** Options of {@linkcode StreamConnection}. */
export interface StreamConnectionOptions {
  /** Builds the socket URL at each connect (resume points change). */
  readonly url: () => string;
  /** Receives every parsed frame, in order. */
  readonly onFrame: (frame: ServerFrame) => void;
  readonly createSocket: (url: string) => SocketLike;
  /** Fetch for the handshake probe. */
  readonly fetch: (url: string) => Promise<Response>;
  /** Wall-clock time and the retry and watchdog timers. */
  readonly clock: Clock;
  /** Uniform random in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  readonly events: BrowserEvents;
  /** Heartbeat interval assumed until the server states one, ms. Default 15 000. */
  readonly heartbeatMs?: number;
  /** A connection open this long resets the backoff, ms. Default 10 000. */
  readonly stableAfterMs?: number;
  /** Polled while waiting to retry; any answer reconnects. Default `/api/health`. */
  readonly healthUrl?: string;
  /** Longest pause between health probes, ms (each is 50–100 % of it). Default 1 000. */
  readonly healthProbeMs?: number;
}

/** Close code the client uses for a socket it declared dead. */
export const CLIENT_DEAD_SOCKET = 4000;

/** The page's live connection. */
export class StreamConnection {
  readonly #options: StreamConnectionOptions;
  readonly #state = signal<ConnectionState>({ phase: "stopped" });
  #socket: SocketLike | undefined;
  #attempt = 0;
  #retryTimer: TimerId | undefined;
  #watchdog: TimerId | undefined;
  #healthTimer: TimerId | undefined;
  #heartbeatMs: number;
  #lastMessageAt = 0;
  #openedAt: number | undefined;
  #started = false;
  readonly #onOnline = () => this.#handleOnline();
  readonly #onOffline = () => this.#handleOffline();
  readonly #onVisibility = () => this.#handleVisibility();

  /** Creates a stopped connection; call {@linkcode start}. */
  constructor(options: StreamConnectionOptions) {
    this.#options = options;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
  }

  /** The connection state (a signal). */
  get state(): ReadonlySignal<ConnectionState> {
    return this.#state;
  }

  /** Starts connecting and listening to browser events. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const { events } = this.#options;
    events.addEventListener("online", this.#onOnline);
    events.addEventListener("offline", this.#onOffline);
    events.addEventListener("visibilitychange", this.#onVisibility);
    if (events.isOnline()) this.#connect();
    else this.#state.value = { phase: "offline" };
  }

  /** Reconnects now (a "retry now" button), forgetting the backoff. */
  retryNow(): void {
    if (!this.#started) return;
    this.#attempt = 0;
    this.#connect();
  }

  /** Closes the socket and removes every timer and listener. */
  dispose(): void {
    if (!this.#started) return;
    this.#started = false;
    const { events } = this.#options;
    events.removeEventListener("online", this.#onOnline);
    events.removeEventListener("offline", this.#onOffline);
    events.removeEventListener("visibilitychange", this.#onVisibility);
    this.#dropSocket(1000, "page closed");
    this.#clearRetry();
    this.#state.value = { phase: "stopped" };
  }

  #connect(): void {
    this.#clearRetry();
    this.#dropSocket(1000, "reconnecting");
    this.#state.value = { phase: "connecting", attempt: this.#attempt };
    const url = this.#options.url();
    let socket: SocketLike;
    try {
      socket = this.#options.createSocket(url);
    } catch {
      this.#schedule({ kind: "retry", reason: "The stream URL was refused" });
      return;
    }
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      const now = this.#options.clock.now();
      this.#openedAt = now;
      this.#lastMessageAt = now;
      this.#state.value = { phase: "open", openedAt: now };
      this.#armWatchdog();
    };
    socket.onmessage = (event) => {
      this.#lastMessageAt = this.#options.clock.now();
      const frame = parseFrame(event.data);
      if (!frame) return;
      if (frame.type === "heartbeat" && frame.interval_ms > 0) {
        this.#heartbeatMs = frame.interval_ms;
      }
      this.#options.onFrame(frame);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#disarmWatchdog();
      if (opened) {
        const stable = this.#openedAt !== undefined &&
          this.#options.clock.now() - this.#openedAt >=
            (this.#options.stableAfterMs ?? 10_000);
        if (stable) this.#attempt = 0;
        this.#schedule(decideAfterClose(event.code, event.reason));
      } else {
        this.#probe(url).then((probe) => {
          if (this.#started && this.#socket === undefined) {
            this.#schedule(decideAfterProbe(probe));
          }
        });
      }
    };
  }

  async #probe(wsUrl: string): Promise<ProbeResult> {
    const httpUrl = wsUrl.replace(/^ws/, "http");
    try {
      const response = await this.#options.fetch(httpUrl);
      let body: { error?: unknown; detail?: unknown } = {};
      try {
        body = await response.json();
      } catch {
        // Not JSON: the status alone decides.
      }
      return {
        kind: "response",
        status: response.status,
        error: typeof body.error === "string" ? body.error : undefined,
        detail: typeof body.detail === "string" ? body.detail : undefined,
        retryAfterS: parseRetryAfterSeconds(
          response.headers.get("retry-after"),
        ),
      };
    } catch {
      return { kind: "network" };
    }
  }

  #schedule(decision: ReconnectDecision): void {
    if (!this.#started) return;
    if (!this.#options.events.isOnline()) {
      this.#state.value = { phase: "offline" };
      return;
    }
    const { clock } = this.#options;
    if (decision.kind === "rejected") {
      const retryAt = decision.retryAfterMs === null
        ? null
        : clock.now() + decision.retryAfterMs;
      this.#state.value = {
        phase: "rejected",
        status: decision.status,
        error: decision.error,
        detail: decision.detail,
        retryAt,
      };
      if (decision.retryAfterMs !== null) {
        this.#retryTimer = clock.setTimer(
          () => this.#connect(),
          decision.retryAfterMs,
        );
      }
      return;
    }
    const delay = reconnectDelay(
      this.#attempt,
      this.#options.random ?? Math.random,
    );
    this.#attempt++;
    this.#state.value = {
      phase: "retrying",
      attempt: this.#attempt,
      retryAt: clock.now() + delay,
      reason: decision.reason,
    };
    this.#retryTimer = clock.setTimer(() => this.#connect(), delay);
    this.#probeHealth();
  }

  /** Asks the service whether it answers; reconnects at once if it does. */
  #probeHealth(): void {
    const { clock, fetch } = this.#options;
    const random = this.#options.random ?? Math.random;
    const wait = (this.#options.healthProbeMs ?? 1_000) * (0.5 + random() / 2);
    this.#healthTimer = clock.setTimer(async () => {
      this.#healthTimer = undefined;
      let answered = false;
      try {
        const response = await fetch(this.#options.healthUrl ?? "/api/health");
        answered = response.ok || response.status === 429;
        await response.body?.cancel();
      } catch {
        // Still unreachable.
      }
      if (!this.#started || this.#state.peek().phase !== "retrying") return;
      if (answered) this.#connect();
      else this.#probeHealth();
    }, wait);
  }

  #armWatchdog(): void {
    this.#disarmWatchdog();
    const check = () => {
      const silentFor = this.#options.clock.now() - this.#lastMessageAt;
      // Two missed heartbeats (plus slack for a busy tab) mean a dead link
      // that TCP may take minutes to report.
      const limit = this.#heartbeatMs * 2 + 5_000;
      if (silentFor > limit) {
        const socket = this.#socket;
        if (socket) {
          this.#dropSocket(CLIENT_DEAD_SOCKET, "no traffic");
          this.#schedule({ kind: "retry", reason: "The stream went silent" });
        }
        return;
      }
      this.#watchdog = this.#options.clock.setTimer(
        check,
        Math.min(limit - silentFor + 1, 5_000),
      );
    };
    this.#watchdog = this.#options.clock.setTimer(check, 5_000);
  }

  #disarmWatchdog(): void {
    if (this.#watchdog !== undefined) {
      this.#options.clock.clearTimer(this.#watchdog);
      this.#watchdog = undefined;
    }
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) {
      this.#options.clock.clearTimer(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    if (this.#healthTimer !== undefined) {
      this.#options.clock.clearTimer(this.#healthTimer);
      this.#healthTimer = undefined;
    }
  }

  /** Closes the current socket without triggering a reconnect. */
  #dropSocket(code: number, reason: string): void {
    this.#disarmWatchdog();
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = undefined;
    socket.onopen =
      socket.onmessage =
      socket.onclose =
      socket.onerror =
        null;
    try {
      socket.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  #handleOnline(): void {
    if (!this.#started) return;
    const phase = this.#state.peek().phase;
    if (phase === "offline" || phase === "retrying") {
      this.#attempt = 0;
      this.#connect();
    }
  }

  #handleOffline(): void {
    if (!this.#started) return;
    this.#dropSocket(1000, "offline");
    this.#clearRetry();
    this.#state.value = { phase: "offline" };
  }

  #handleVisibility(): void {
    if (!this.#started || !this.#options.events.isVisible()) return;
    const state = this.#state.peek();
    // Background tabs throttle timers: on return, do not make the user
    // wait out a backoff that was meant for a crowd.
    if (state.phase === "retrying") this.#connect();
  }
}

/** Parses one message; undefined for anything that is not a frame object. */
export function parseFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== "string") return undefined;
  try {
    const frame = JSON.parse(data);
    return frame && typeof frame === "object" && typeof frame.type === "string"
      ? frame as ServerFrame
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A page's connection to `url` over the page's facilities (the browser's,
 * or a test's fakes): every page connects the same way.
 */
export function pageConnection(
  environment: Pick<
    DashboardEnvironment,
    "createSocket" | "fetch" | "clock" | "random" | "events"
  >,
  url: () => string,
  onFrame: (frame: ServerFrame) => void,
): StreamConnection {
  return new StreamConnection({
    url,
    onFrame,
    createSocket: environment.createSocket,
    fetch: (target) => environment.fetch(target, { cache: "no-store" }),
    clock: environment.clock,
    random: environment.random,
    events: environment.events,
  });
}
