/**
 * The door to the stream sockets. Every check runs before the upgrade, so a
 * refused client gets an HTTP status with a JSON reason (403 origin, 400/404
 * symbol, 429 per-IP cap) rather than an accepted socket closed a moment later.
 * Accepted sockets join the hub when they open and leave it when they close.
 */
import { ConnectionLimiter } from "../hub/connection_limiter.ts";
import { CloseCode } from "../protocol/close_codes.ts";
import type { JoinRequest, StreamHub } from "../hub/stream_hub.ts";
import { HttpError } from "../web/mod.ts";
import { ipKey } from "../http/ip_key.ts";
import {
  checkOrigin,
  type OriginPolicy,
  ownOrigin,
} from "../http/origin_policy.ts";
import type { StreamRequest } from "../http/stream_request.ts";
import type { Logger } from "../observability/logger.ts";
import type { SocketLayer, StreamSocket } from "../socket/stream_socket.ts";
import { denoSocketLayer } from "../socket/deno_socket_layer.ts";

const OPEN = 1;

/**
 * The origin a request comes from. Browsers send `Origin` on every WebSocket
 * handshake but not on a same-origin GET, which the dashboard uses to ask why
 * a handshake failed; such a GET carries `Sec-Fetch-Site: same-origin`
 * (a header pages cannot set), so it counts as the service's own origin.
 */
function requestOrigin(req: Request, own: string): string | null {
  const origin = req.headers.get("origin");
  if (origin !== null) return origin;
  return req.headers.get("sec-fetch-site") === "same-origin" ? own : null;
}

/** Options of {@linkcode StreamGate}. */
export interface StreamGateOptions {
  readonly hub: StreamHub;
  readonly logger: Logger;
  readonly origins: OriginPolicy;
  /** The own origin when configured; else it is derived from each request. */
  readonly publicOrigin?: string;
  readonly maxSocketsPerIp: number;
  /** What accepts and sends on the sockets. Default `Deno.upgradeWebSocket`. */
  readonly layer?: SocketLayer;
}

/** Validates handshakes, upgrades them and ties sockets to the hub. */
export class StreamGate {
  #options: StreamGateOptions;
  #layer: SocketLayer;
  #limiter: ConnectionLimiter;
  #rejected = 0;
  #inboundCloses = 0;
  #open = new Set<StreamSocket>();

  /** Creates the gate; `maxSocketsPerIp` sizes the per-IP limiter. */
  constructor(options: StreamGateOptions) {
    this.#options = options;
    this.#layer = options.layer ?? denoSocketLayer;
    this.#limiter = new ConnectionLimiter(options.maxSocketsPerIp);
  }

  /** Handshakes refused before upgrade since start. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * Checks the origin of `req` (call before parsing anything else, so a
   * foreign page learns nothing about symbols); `forwarded` when it came
   * through a trusted proxy. Counts and rethrows refusals.
   */
  checkOrigin(req: Request, forwarded: boolean): void {
    const own = this.#options.publicOrigin ?? ownOrigin(req, forwarded);
    const verdict = checkOrigin(
      requestOrigin(req, own),
      own,
      this.#options.origins,
    );
    if (!verdict.ok) {
      this.#rejected++;
      throw new HttpError(403, "forbidden_origin", verdict.reason);
    }
  }

  /** Sockets closed for sending a data frame, since start. */
  get inboundCloses(): number {
    return this.#inboundCloses;
  }

  /** Counts a refusal that happened while parsing the request. */
  countRejection(): void {
    this.#rejected++;
  }

  /**
   * Upgrades `req` for `stream` from `ip`, or throws 429/400 HttpErrors. The
   * cap is checked before the upgrade header, so a client that probes the URL
   * with a plain GET after a failed handshake learns the real reason.
   */
  accept(req: Request, ip: string, stream: StreamRequest): Response {
    const key = ipKey(ip);
    if (this.#limiter.openFor(key) >= this.#options.maxSocketsPerIp) {
      this.#rejected++;
      throw new HttpError(
        429,
        "too_many_sockets",
        `At most ${this.#options.maxSocketsPerIp} sockets per client address (IPv6: per /64)`,
        { headers: { "retry-after": "5" } },
      );
    }
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      this.#rejected++;
      throw new HttpError(
        400,
        "upgrade_required",
        "This endpoint only accepts WebSocket upgrades",
      );
    }
    this.#limiter.tryAcquire(key);
    let upgrade: { socket: StreamSocket; response: Response };
    try {
      upgrade = this.#layer.upgrade(req);
    } catch (error) {
      this.#limiter.release(key);
      this.#rejected++;
      throw new HttpError(
        400,
        "bad_handshake",
        error instanceof Error ? error.message : "Invalid WebSocket handshake",
      );
    }
    this.#attach(upgrade.socket, ip, key, stream);
    return upgrade.response;
  }

  /** Closes every open socket with 1001 (shutdown). */
  closeAll(): void {
    this.#options.hub.closeAll(CloseCode.GoingAway, "server shutdown");
    for (const socket of this.#open) {
      try {
        socket.close(CloseCode.GoingAway, "server shutdown");
      } catch {
        // Already closed.
      }
    }
  }

  #attach(
    socket: StreamSocket,
    ip: string,
    key: string,
    stream: StreamRequest,
  ): void {
    let detach: (() => void) | undefined;
    let released = false;
    this.#open.add(socket);
    const release = () => {
      if (released) return;
      released = true;
      detach?.();
      this.#open.delete(socket);
      this.#limiter.release(key);
    };
    // Held only until the join: the socket keeps these closures for its
    // whole life, and the request's resume points are needed once.
    let request: JoinRequest | undefined = { ...stream, ip };
    socket.onopen = () => {
      detach = this.#options.hub.join(socket, request!);
      request = undefined;
      socket.onopen = null;
    };
    // Stream sockets are send-only. The runtime hands a frame over only once
    // it is whole (up to its own 64 MiB cap), so the memory is spent by
    // then; closing at once keeps a client from doing it again.
    socket.onmessage = () => {
      if (socket.readyState !== OPEN) return;
      this.#inboundCloses++;
      socket.close(
        CloseCode.PolicyViolation,
        "stream sockets are send-only",
      );
    };
    socket.onclose = release;
    socket.onerror = () => {
      this.#options.logger.debug("Stream socket error", { ip });
    };
  }
}
