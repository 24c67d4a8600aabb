/**
 * Harnesses that run the engine contract suite (`ingest_engine_conformance.ts`)
 * on a fake clock against a faked upstream: Bybit's REST tickers through a
 * {@linkcode ScriptedFetch}, or its WebSocket through {@linkcode FakeSockets}
 * (with REST for the fallback). What runs is up to the caller — an engine from
 * `createIngestEngine`, or `InlineIngestion` hosting one (see
 * {@linkcode Subject}) — so the same upstream drives every subject that can
 * take a fake clock.
 */
import type { WebSocketFactory } from "../bybit/web_socket_like.ts";
import { FakeClock } from "../../clock/fake_clock.ts";
import {
  allTrackedBody,
  type Collectors,
  fakeHostConfig,
  FakeSockets,
  type FetchStep,
  jsonResponse,
  ScriptedFetch,
  tickerPush,
  TRACKED,
  WITHIN_MS,
} from "../test_utils.ts";
import {
  DEFAULT_HEARTBEAT_MS,
  type IngestCallbacks,
  type IngestConfig,
  type IngestEngine,
} from "./engine_contract.ts";
import type {
  EngineControl,
  EngineHarness,
} from "./ingest_engine_conformance.ts";
import { DEFAULT_STATE_INTERVAL_MS } from "./ws_ingest_loop.ts";

/** What a subject under a fake upstream is started with. */
export interface FakeUpstreamDeps {
  readonly config: IngestConfig;
  readonly clock: FakeClock;
  readonly fetch: typeof fetch;
  readonly connect: WebSocketFactory;
  readonly random: () => number;
  readonly callbacks: IngestCallbacks;
}

/**
 * The subject under test: an engine (started by the harness, and only once)
 * or a host (started when made).
 */
export type Subject =
  | { readonly engine: (deps: FakeUpstreamDeps) => IngestEngine }
  | { readonly host: (deps: FakeUpstreamDeps) => EngineControl };

const ok = (): FetchStep => ({ respond: () => jsonResponse(allTrackedBody()) });
const status = (code: number): FetchStep => ({
  respond: () => jsonResponse("{}", { status: code }),
});

/** What differs between the REST and the WebSocket upstream. */
type UpstreamMoves =
  & Pick<
    EngineHarness,
    "nextTicks" | "breakUpstream" | "mendUpstream" | "quiet"
  >
  & {
    /** Right after the subject was made: e.g. let the socket open. */
    readonly launched?: () => void;
    /** After a stop, before time passes: e.g. a frame on the old socket. */
    readonly poke?: () => void;
  };

/** The fake upstream and clock, and the subject once launched. */
function fakeUpstream(c: Collectors, mode: "rest" | "ws", subject: Subject) {
  const clock = new FakeClock();
  const fetch = new ScriptedFetch([ok()]);
  const sockets = new FakeSockets();
  const config = fakeHostConfig(mode);
  let control: EngineControl | undefined;
  const launch = () => {
    const deps = {
      config,
      clock,
      fetch: fetch.fetch,
      connect: sockets.connect,
      random: () => 0.5,
      callbacks: c.callbacks,
    };
    if ("host" in subject) {
      control = subject.host(deps);
      return;
    }
    const engine = subject.engine(deps);
    engine.start();
    control = engine;
  };
  const up = {
    clock,
    fetch,
    sockets,
    /** Moves time to the next attempt the last state announced. */
    untilNextAttempt() {
      const at = c.states.items.at(-1)?.nextAttemptAt ?? null;
      if (at === null) throw new Error("No attempt scheduled");
      clock.advance(Math.max(0, at - clock.now()));
    },
    /** The harness: the moves of this upstream, the rest shared. */
    harness(moves: UpstreamMoves): EngineHarness {
      return {
        config,
        realTime: false,
        get control() {
          if (control === undefined) throw new Error("Not started");
          return control;
        },
        start() {
          const first = c.states.next(undefined, WITHIN_MS);
          launch();
          moves.launched?.();
          return first;
        },
        nextTicks: moves.nextTicks,
        breakUpstream: moves.breakUpstream,
        mendUpstream: moves.mendUpstream,
        quiet: moves.quiet,
        async afterStop() {
          moves.poke?.();
          clock.advance(3_600_000);
          await clock.settle();
        },
        pendingTimers: () => clock.pending().length,
        startAgain: "engine" in subject
          ? () => (control as IngestEngine).start()
          : undefined,
        dispose: () => Promise.resolve(),
      };
    },
  };
  return up;
}

/** The contract harness for a subject polling Bybit's REST tickers. */
export function fakeRestHarness(
  c: Collectors,
  subject: Subject,
): EngineHarness {
  const up = fakeUpstream(c, "rest", subject);
  return up.harness({
    nextTicks(match) {
      const next = c.ticks.next(match, WITHIN_MS);
      up.untilNextAttempt();
      return next;
    },
    breakUpstream() {
      up.fetch.script([status(503)]);
      const failed = c.states.next((s) => s.consecutiveFailures > 0, WITHIN_MS);
      up.untilNextAttempt();
      return failed;
    },
    mendUpstream() {
      up.fetch.script([ok()]);
      return Promise.resolve();
    },
    async quiet(beats) {
      // A 403 is a rate limit: the next poll is ten minutes away.
      up.fetch.script([status(403)]);
      const limited = c.states.next(
        (s) => s.lastError?.kind === "rate-limited",
        WITHIN_MS,
      );
      up.untilNextAttempt();
      await limited;
      const from = c.states.items.length;
      for (let i = 0; i < beats; i++) up.clock.advance(DEFAULT_HEARTBEAT_MS);
      return c.states.items.slice(from);
    },
  });
}

/**
 * The contract harness for a subject on Bybit's WebSocket (REST stands in
 * only after 5 s without a ticker, which these steps never reach).
 */
export function fakeWsHarness(c: Collectors, subject: Subject): EngineHarness {
  const up = fakeUpstream(c, "ws", subject);
  const connected = () => {
    const socket = up.sockets.last;
    socket.open();
    socket.ackAll();
  };
  return up.harness({
    launched: connected,
    nextTicks(match) {
      const next = c.ticks.next(match, WITHIN_MS);
      for (const symbol of TRACKED) {
        up.sockets.last.receive(tickerPush(symbol.upstream));
      }
      // The push cycle ends and its ticks are reported together; a state
      // report follows within the second.
      up.clock.advance(DEFAULT_STATE_INTERVAL_MS);
      return next;
    },
    breakUpstream() {
      const failed = c.states.next((s) => s.consecutiveFailures > 0, WITHIN_MS);
      up.sockets.last.drop(1006);
      return failed;
    },
    mendUpstream() {
      const dropped = up.sockets.last;
      up.untilNextAttempt();
      if (up.sockets.last === dropped) throw new Error("Did not reconnect");
      connected();
      return Promise.resolve();
    },
    quiet(beats) {
      const from = c.states.items.length;
      for (let i = 0; i < beats; i++) {
        up.clock.advance(DEFAULT_STATE_INTERVAL_MS);
      }
      return Promise.resolve(c.states.items.slice(from));
    },
    poke: () => up.sockets.last.receive(tickerPush("BTCUSDT")),
  });
}
