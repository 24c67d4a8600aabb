/**
 * `GET /v5/public/spot` upgraded to a WebSocket: the thin runtime adapter
 * between `Deno.upgradeWebSocket` and the runtime-neutral {@linkcode SimWsFeed}.
 */
import { HttpError } from "../web/mod.ts";
import type { SimWsFeed } from "./sim_ws_feed.ts";

/**
 * Upgrades `request` and attaches the socket to `feed` once it opens. A plain
 * HTTP request gets a 426 naming what is expected.
 */
export function spotWebSocketResponse(
  request: Request,
  feed: SimWsFeed,
): Response {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError(
      426,
      "upgrade_required",
      "This is the simulated public spot stream; open it as a WebSocket",
      { headers: { upgrade: "websocket" } },
    );
  }
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  socket.onopen = () => {
    const session = feed.open(socket);
    socket.onmessage = (event) => session.receive(event.data);
    socket.onclose = () => session.dispose();
    socket.onerror = () => session.dispose();
  };
  return response;
}
