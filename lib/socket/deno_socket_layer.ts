/**
 * The runtime's own socket layer: `Deno.serve` + `Deno.upgradeWebSocket`.
 * Every `send` becomes a runtime task written after the current JavaScript
 * turn ends (see bench/README.md, "Where the send path's time goes"). The
 * runtime frames each text itself, so a frame is prepared as its text only.
 */
import { preparedText } from "../protocol/prepared_frame.ts";
import type { SocketLayer, SocketUpgrade } from "./stream_socket.ts";
import { DenoStreamSocket } from "./deno_stream_socket.ts";

/** Upgrades with `Deno.upgradeWebSocket`. */
export const denoSocketLayer: SocketLayer = {
  name: "deno",
  prepare: preparedText,
  upgrade(req: Request): SocketUpgrade {
    // No runtime ping timeout: a client that stops reading also stops
    // answering pings, and the runtime would close it with 1001 ("going
    // away", reconnect at once) long before the slow-consumer policy
    // (conflate, then 1013 after 10 s behind) sees it fall behind. The
    // heartbeat frames keep data flowing, so TCP itself notices a dead
    // peer, and the policy bounds what waits for it meanwhile.
    const { socket, response } = Deno.upgradeWebSocket(req, {
      idleTimeout: 0,
    });
    return { socket: new DenoStreamSocket(socket), response };
  },
};
