/**
 * Peer: the runtime's ceiling. Bare `Deno.serve` + `Deno.upgradeWebSocket`,
 * one Set of sockets per symbol, each tick encoded once and handed to
 * `socket.send` in a loop — no backlog policy, no history, no analytics.
 *
 * Usage: `deno run --allow-net bench/peers/bare_deno.ts --port=0 --rate=20`
 * Routes: `GET /ws/price/:symbol` (socket), `GET /api/health`, `GET /stats`.
 */
import {
  createTickSource,
  listeningLine,
  parsePeerArgs,
  PEER_SYMBOLS,
  roomFromPath,
  statsBody,
} from "./tick_source.mjs";

const args = parsePeerArgs(Deno.args);
const rooms = new Map<string, Set<WebSocket>>(
  PEER_SYMBOLS.map((symbol) => [symbol, new Set()]),
);

const source = createTickSource({
  rate: args.rate,
  onTick({ symbol, json }) {
    for (const socket of rooms.get(symbol)!) {
      if (socket.readyState === WebSocket.OPEN) socket.send(json);
    }
  },
});

const json = (body: string, status = 200) =>
  new Response(body, {
    status,
    headers: { "content-type": "application/json" },
  });

const server = Deno.serve({
  hostname: args.hostname,
  port: args.port,
  onListen: ({ port }) => console.log(listeningLine("bare_deno", port)),
}, (req) => {
  const { pathname } = new URL(req.url);
  if (pathname === "/api/health") return json('{"status":"ok"}');
  if (pathname === "/stats") {
    return json(
      statsBody(args.rate, source.emitted(), (s) => rooms.get(s)?.size ?? 0),
    );
  }
  const symbol = roomFromPath(pathname);
  if (symbol === undefined) return json('{"error":"not found"}', 404);
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return json('{"error":"expected a WebSocket upgrade"}', 426);
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  const room = rooms.get(symbol)!;
  socket.onopen = () => room.add(socket);
  socket.onclose = () => room.delete(socket);
  socket.onerror = () => room.delete(socket);
  return response;
});

source.start();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => {
    source.stop();
    server.shutdown().finally(() => Deno.exit(0));
  });
}
