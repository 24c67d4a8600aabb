import { edgeMiddleware } from "../lib/http/edge_middleware.ts";
import type { AppState, Services } from "../lib/service/app_state.ts";
import type { Handler } from "../lib/web/mod.ts";

/**
 * The edge middleware of each running service, built once from its parts.
 * Keyed by the service because one process may run several (the tests do).
 */
const edges = new WeakMap<Services, Handler<AppState>>();

/** Every request: client IP, rate limits, JSON errors, security headers. */
export const handler: Handler<AppState> = (req, ctx) => {
  const { services } = ctx.state;
  let edge = edges.get(services);
  if (edge === undefined) {
    edge = edgeMiddleware<AppState>({
      rateLimits: services.rateLimits,
      logger: services.logger,
      trustedProxies: services.trustedProxies,
      publicOrigin: services.config.security.publicOrigin,
    });
    edges.set(services, edge);
  }
  return edge(req, ctx);
};
