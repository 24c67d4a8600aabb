/**
 * The tick stream every peer broadcasts: TickFrame-shaped JSON for four
 * symbols at a fixed rate from an internal timer, `ts` stamped at emit time:
 * once per emit, for every symbol, as the service stamps a batch. A symbol
 * broadcast after others then carries their broadcasts in its latency, as
 * its subscribers do.
 *
 * Plain JavaScript so that the Deno peer and both Node peers run this very
 * file: the payload (fields, key order, size) and the schedule are then the
 * same for every peer, and differences in the results come from the servers.
 * Prices follow a seeded random walk so runs are reproducible.
 */

/** Symbols the peers stream, matching the service's defaults. */
export const PEER_SYMBOLS = Object.freeze([
  "BTC-USDT",
  "ETH-USDT",
  "SOL-USDT",
  "1000SATS-USDT",
]);

const START_PRICE = { "BTC-USDT": 97000, "ETH-USDT": 3400, "SOL-USDT": 240 };
const THRESHOLD = {
  "BTC-USDT": 50_000_000,
  "ETH-USDT": 20_000_000,
  "SOL-USDT": 5_000_000,
};

/**
 * A small seeded PRNG (mulberry32): deterministic, no allocation per call.
 * @param {number} seed
 * @returns {() => number} uniform numbers in [0, 1)
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @typedef {object} PeerTick
 * @property {string} symbol
 * @property {number} index position of the symbol in the source's list
 * @property {object} frame the TickFrame-shaped object
 * @property {string} json the frame encoded once, to send as is
 */

/**
 * @typedef {object} TickSourceOptions
 * @property {number} rate ticks per second per symbol
 * @property {(tick: PeerTick) => void} onTick called once per symbol per tick
 * @property {readonly string[]} [symbols] default {@link PEER_SYMBOLS}
 * @property {number} [seed] random walk seed, default 1
 * @property {() => number} [now] wall clock in epoch ms, default Date.now
 */

/**
 * @typedef {object} TickSource
 * @property {() => void} start begins emitting on a drift-corrected timer
 * @property {() => void} stop stops the timer
 * @property {() => void} emit emits one tick for every symbol now
 * @property {() => Record<string, number>} emitted ticks emitted per symbol
 */

/**
 * Creates the tick source. The timer aims at `start + k / rate`; when the
 * event loop falls more than a period behind it emits once and re-anchors
 * instead of bursting, as a polling service would.
 * @param {TickSourceOptions} options
 * @returns {TickSource}
 */
export function createTickSource(options) {
  const { rate, onTick, symbols = PEER_SYMBOLS, seed = 1, now = Date.now } =
    options;
  if (!(Number.isFinite(rate) && rate > 0 && rate <= 1000)) {
    throw new RangeError(`Tick rate must be from above 0 to 1000, got ${rate}`);
  }
  const random = seededRandom(seed);
  const period = 1000 / rate;
  const state = symbols.map((symbol) => {
    const price = START_PRICE[symbol] ?? 0.0004;
    return {
      symbol,
      seq: 0,
      price,
      open: price,
      high: round(price * 1.02),
      low: round(price * 0.97),
      volume: 30_000_000 * (0.5 + random()),
      threshold: THRESHOLD[symbol] ?? 1_000_000,
      whale: false,
      lastPrice: price,
      lastTs: now(),
    };
  });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let anchor = 0;
  let k = 0;

  function emit() {
    const ts = now();
    for (let i = 0; i < state.length; i++) {
      const s = state[i];
      s.price = round(s.price * (1 + (random() - 0.5) * 0.002));
      if (s.price > s.high) s.high = s.price;
      if (s.price < s.low) s.low = s.price;
      s.volume += random() * 20_000;
      const isWhale = s.volume >= s.threshold;
      const spread = s.low > 0 ? (s.high - s.low) / s.low * 100 : 0;
      const seconds = Math.max(0.001, (ts - s.lastTs) / 1000);
      const frame = {
        type: "tick",
        symbol: s.symbol,
        seq: ++s.seq,
        ts,
        price: s.price,
        high: s.high,
        low: s.low,
        volume: Math.round(s.volume * 100) / 100,
        change: round4((s.price - s.open) / s.open * 100),
        spread: round4(spread),
        is_whale: isWhale,
        whale_alert: isWhale && !s.whale,
        whale_threshold: s.threshold,
        tier: spread > 5 ? "ELEVATED" : spread > 2.5 ? "ACTIVE" : "STABLE",
        range_position: round4(
          s.high > s.low ? (s.price - s.low) / (s.high - s.low) * 100 : 50,
        ),
        velocity: round4((s.price - s.lastPrice) / s.lastPrice * 100 / seconds),
        upstream_ts: ts - 3,
        source: "simulator",
      };
      s.whale = isWhale;
      s.lastPrice = s.price;
      s.lastTs = ts;
      onTick({
        symbol: s.symbol,
        index: i,
        frame,
        json: JSON.stringify(frame),
      });
    }
  }

  function schedule() {
    k++;
    let wait = anchor + k * period - now();
    if (wait < -period) {
      anchor = now();
      k = 0;
      wait = 0;
    }
    timer = setTimeout(fire, Math.max(0, wait));
  }

  function fire() {
    emit();
    if (timer !== undefined) schedule();
  }

  return {
    start() {
      if (timer !== undefined) return;
      anchor = now();
      k = 0;
      schedule();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
    emit,
    emitted() {
      return Object.fromEntries(state.map((s) => [s.symbol, s.seq]));
    },
  };
}

/** @param {number} value */
function round(value) {
  return value >= 100
    ? Math.round(value * 100) / 100
    : Number(value.toPrecision(6));
}

/** @param {number} value */
function round4(value) {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * The `GET /stats` body every peer serves: the tick rate, and per symbol the
 * ticks emitted so far and the current subscribers.
 * @param {number} rate
 * @param {Record<string, number>} emitted
 * @param {(symbol: string) => number} subscribers
 * @returns {string}
 */
export function statsBody(rate, emitted, subscribers) {
  /** @type {Record<string, { emitted: number, subscribers: number }>} */
  const symbols = {};
  for (const [symbol, count] of Object.entries(emitted)) {
    symbols[symbol] = { emitted: count, subscribers: subscribers(symbol) };
  }
  return JSON.stringify({ rate, symbols });
}

/**
 * The symbol named by a `/ws/price/:symbol` path, or undefined when the path
 * is not that route or the symbol is not streamed.
 * @param {string} pathname
 * @param {readonly string[]} [symbols]
 * @returns {string | undefined}
 */
export function roomFromPath(pathname, symbols = PEER_SYMBOLS) {
  const prefix = "/ws/price/";
  if (!pathname.startsWith(prefix)) return undefined;
  const symbol = decodeURIComponent(pathname.slice(prefix.length))
    .toUpperCase();
  return symbols.includes(symbol) ? symbol : undefined;
}

/**
 * @typedef {object} PeerArgs
 * @property {number} port TCP port, 0 for any free port
 * @property {string} hostname loopback address to bind
 * @property {number} rate ticks per second per symbol
 */

/**
 * Parses the peers' `--port=N --hostname=H --rate=R` flags (defaults 0,
 * 127.0.0.1, 20). Throws a RangeError naming a bad flag and its value.
 * @param {readonly string[]} argv
 * @returns {PeerArgs}
 */
export function parsePeerArgs(argv) {
  /** @type {Record<string, string>} */
  const raw = { port: "0", hostname: "127.0.0.1", rate: "20" };
  for (const arg of argv) {
    const match = /^--(port|hostname|rate)=(.*)$/.exec(arg);
    if (!match) {
      throw new RangeError(`Unknown peer flag ${JSON.stringify(arg)}`);
    }
    raw[match[1]] = match[2];
  }
  const port = Number(raw.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `Flag --port must be from 0 to 65535, got ${raw.port}`,
    );
  }
  if (!["127.0.0.1", "localhost", "::1"].includes(raw.hostname)) {
    throw new RangeError(
      `Flag --hostname must be a loopback address, got ${raw.hostname}`,
    );
  }
  const rate = Number(raw.rate);
  if (!(Number.isFinite(rate) && rate > 0 && rate <= 1000)) {
    throw new RangeError(
      `Flag --rate must be from above 0 to 1000, got ${raw.rate}`,
    );
  }
  return { port, hostname: raw.hostname, rate };
}

/**
 * The line a peer prints on stdout once it listens, so a parent that started
 * it with port 0 learns the port.
 * @param {string} name
 * @param {number} port
 * @returns {string}
 */
export function listeningLine(name, port) {
  return JSON.stringify({ event: "listening", peer: name, port });
}
