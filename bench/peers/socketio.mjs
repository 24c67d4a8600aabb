/**
 * Peer: socket.io (npm) rooms. A client joins the room named by the
 * handshake's `symbol` query parameter (socket.io's endpoint is always
 * `/socket.io/`, so the path cannot carry it); each tick is broadcast with
 * `io.to(symbol).emit("tick", frame)`, which socket.io encodes once per
 * broadcast. Websocket transport only, as the load generator connects.
 *
 * Usage: `node bench/peers/socketio.mjs --port=0 --rate=20`
 * Routes: `/socket.io/?EIO=4&transport=websocket&symbol=BTC-USDT`,
 * `GET /api/health`, `GET /stats`.
 */
import http from "node:http";
import { createRequire } from "node:module";
import { reply, serve } from "./node_http.mjs";
import {
  createTickSource,
  parsePeerArgs,
  PEER_SYMBOLS,
  statsBody,
} from "./tick_source.mjs";

// Loaded with require, not `import ... from`: the repository's `deno check .`
// walks this folder too and cannot resolve Node-only packages, while Node
// resolves them from ./node_modules either way.
const { Server } = createRequire(import.meta.url)("socket.io");

const args = parsePeerArgs(process.argv.slice(2));

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url ?? "/", "http://peer");
  if (pathname === "/api/health") return reply(res, 200, '{"status":"ok"}');
  if (pathname === "/stats") {
    return reply(
      res,
      200,
      statsBody(
        args.rate,
        source.emitted(),
        (s) => io.sockets.adapter.rooms.get(s)?.size ?? 0,
      ),
    );
  }
  // socket.io answers its own path before this handler sees it.
  reply(res, 404, '{"error":"not found"}');
});

const io = new Server(server, {
  transports: ["websocket"],
  serveClient: false,
});

// A middleware rejection reaches the client as a connect error, before any
// room is joined, as the other peers reject an unknown symbol before upgrade.
io.use((socket, next) => {
  const symbol = String(socket.handshake.query.symbol ?? "").toUpperCase();
  if (!PEER_SYMBOLS.includes(symbol)) return next(new Error("unknown symbol"));
  socket.data.symbol = symbol;
  next();
});

io.on("connection", (socket) => socket.join(socket.data.symbol));

const source = createTickSource({
  rate: args.rate,
  onTick({ symbol, frame }) {
    io.to(symbol).emit("tick", frame);
  },
});

serve(server, args, "socketio", source);
