/**
 * Proves the socket.io peer serves the official client: connects one
 * `socket.io-client` (websocket transport, as the load generator does) and
 * waits for one tick. The load generator speaks the same wire protocol
 * itself (see `../socketio_wire.ts`); this check keeps the two honest.
 *
 * Usage: `node bench/peers/socketio_smoke.mjs http://127.0.0.1:PORT [symbol]`
 * Prints one JSON line; exits 0 on a tick within 10 s, 1 otherwise.
 */
import { createRequire } from "node:module";

// Loaded with require, not `import ... from`: the repository's `deno check .`
// walks this folder too and cannot resolve Node-only packages, while Node
// resolves them from ./node_modules either way.
const { io } = createRequire(import.meta.url)("socket.io-client");

const [url, symbol = "BTC-USDT"] = process.argv.slice(2);
if (
  !url || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(url)
) {
  console.log(
    JSON.stringify({ ok: false, error: "Expected a loopback http URL" }),
  );
  process.exit(1);
}

const socket = io(url, {
  transports: ["websocket"],
  query: { symbol },
  reconnection: false,
  timeout: 5_000,
});
const timer = setTimeout(
  () => finish({ ok: false, error: "No tick within 10 s" }),
  10_000,
);

/** @param {Record<string, unknown>} result */
function finish(result) {
  clearTimeout(timer);
  socket.close();
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

socket.on("tick", (frame) => {
  const ok = frame?.type === "tick" && frame.symbol === symbol &&
    Number.isInteger(frame.seq) && Number.isFinite(frame.ts);
  finish(ok ? { ok, seq: frame.seq, symbol } : { ok, error: "Malformed tick" });
});
socket.on(
  "connect_error",
  (error) => finish({ ok: false, error: error.message }),
);
