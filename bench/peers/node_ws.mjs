/**
 * Peer: a minimal Node.js broadcast server on `ws` (npm). Each tick is
 * encoded once into a Buffer and that same Buffer is sent as a text frame to
 * every socket of the symbol's room.
 *
 * Usage: `node bench/peers/node_ws.mjs --port=0 --rate=20`
 * Routes: `GET /ws/price/:symbol` (socket), `GET /api/health`, `GET /stats`.
 */
import http from "node:http";
import { createRequire } from "node:module";
import { reply, serve } from "./node_http.mjs";
import {
  createTickSource,
  parsePeerArgs,
  PEER_SYMBOLS,
  roomFromPath,
  statsBody,
} from "./tick_source.mjs";

// Loaded with require, not `import ... from`: the repository's `deno check .`
// walks this folder too and cannot resolve Node-only packages, while Node
// resolves them from ./node_modules either way.
const { WebSocketServer } = createRequire(import.meta.url)("ws");

const args = parsePeerArgs(process.argv.slice(2));
/** @type {Map<string, Set<{ readyState: number, send: Function }>>} */
const rooms = new Map(PEER_SYMBOLS.map((symbol) => [symbol, new Set()]));

const source = createTickSource({
  rate: args.rate,
  onTick({ symbol, json }) {
    const bytes = Buffer.from(json);
    for (const socket of rooms.get(symbol)) {
      if (socket.readyState === 1) socket.send(bytes, { binary: false });
    }
  },
});

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url ?? "/", "http://peer");
  if (pathname === "/api/health") return reply(res, 200, '{"status":"ok"}');
  if (pathname === "/stats") {
    return reply(
      res,
      200,
      statsBody(args.rate, source.emitted(), (s) => rooms.get(s)?.size ?? 0),
    );
  }
  reply(res, 404, '{"error":"not found"}');
});

const wss = new WebSocketServer({
  noServer: true,
  clientTracking: false,
  perMessageDeflate: false,
});

server.on("upgrade", (req, socket, head) => {
  const { pathname } = new URL(req.url ?? "/", "http://peer");
  const symbol = roomFromPath(pathname);
  if (symbol === undefined) {
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const room = rooms.get(symbol);
    room.add(ws);
    ws.on("close", () => room.delete(ws));
    ws.on("error", () => room.delete(ws));
  });
});

serve(server, args, "node_ws", source);
