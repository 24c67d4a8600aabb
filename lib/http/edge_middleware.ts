/**
 * What every request passes through, as one middleware factory (Hono style):
 * client IP resolution, the public host check (with `PUBLIC_ORIGIN`), the
 * per-client rate limits (API, socket handshakes,
 * pages), thrown errors turned into JSON responses by the web runtime's one
 * error handler (logging only 5xx and unexpected ones), gzip for the routes'
 * answers (`response_compression.ts`), and the security headers on every
 * answer, errors included. It takes what it needs as
 * options, so the edge knows nothing of the service that wires it
 * (`routes/_middleware.ts`).
 */
import { resolveClient } from "./client_ip.ts";
import { ipKey } from "./ip_key.ts";
import { checkPublicHost } from "./public_host.ts";
import { arrivedOverHttps, withSecurityHeaders } from "./security_headers.ts";
import type { TrustedProxies } from "./trusted_proxies.ts";
import { compressResponse } from "./response_compression.ts";
import {
  acceptsGzip,
  errorHandler,
  type ErrorLogger,
  type Handler,
} from "../web/mod.ts";

/** The request state the edge fills in. */
export interface EdgeState {
  /** Client IP (from `X-Forwarded-For` only behind a trusted proxy). */
  clientIp: string;
  /**
   * The request came through a trusted proxy, so its `X-Forwarded-Proto`
   * and `X-Forwarded-Host` describe what the client asked for.
   */
  forwarded: boolean;
}

/** Options of {@linkcode edgeMiddleware}. */
export interface EdgeMiddlewareOptions {
  /**
   * The per-client budgets (`rate_limits.ts`): takes a token for the client
   * key from the bucket of the path, or throws the 429.
   */
  readonly rateLimits: { take(pathname: string, key: string): void };
  /** Where 5xx and unexpected errors are reported. */
  readonly logger: ErrorLogger;
  /**
   * The proxies whose forwarding headers count (`TRUSTED_PROXIES`); from
   * any other peer they are ignored.
   */
  readonly trustedProxies: TrustedProxies;
  /**
   * The service's public origin (`PUBLIC_ORIGIN`): requests for any other
   * host are refused with 421. Default: none, every host is served.
   */
  readonly publicOrigin?: string;
}

/** The edge policies as one middleware, for the root `_middleware.ts`. */
export function edgeMiddleware<State extends EdgeState>(
  options: EdgeMiddlewareOptions,
): Handler<State> {
  const { rateLimits, trustedProxies, publicOrigin } = options;
  const handleError = errorHandler({ logger: options.logger });
  return async function edge(req, ctx) {
    const client = resolveClient(req, ctx.info, trustedProxies);
    ctx.state.clientIp = client.ip;
    ctx.state.forwarded = client.forwarded;
    // Read before `ctx.next()`: a WebSocket upgrade consumes the request, and
    // its headers cannot be read after it.
    const https = arrivedOverHttps(req, client.forwarded);
    const gzipOk = acceptsGzip(req);
    let response: Response;
    try {
      if (publicOrigin !== undefined) {
        checkPublicHost(req, ctx.url.pathname, client.forwarded, publicOrigin);
      }
      rateLimits.take(ctx.url.pathname, ipKey(client.ip));
      response = await ctx.next();
    } catch (error) {
      response = await handleError(error, req);
    }
    return withSecurityHeaders(await compressResponse(response, gzipOk), https);
  };
}
