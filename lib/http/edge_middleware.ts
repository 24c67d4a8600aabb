/**
 * What every request passes through: client IP resolution, the `/api/*` rate
 * limit, turning thrown errors into JSON responses (logging only 5xx), and the
 * security headers. `routes/_middleware.ts` is a one-line call to this.
 */
import type { AppState } from "../service/app_state.ts";
import { errorResponse, HttpError, type RouteContext } from "../web/mod.ts";
import { clientIp } from "./client_ip.ts";
import { withSecurityHeaders } from "./security_headers.ts";

/** Runs `ctx.next()` behind the edge policies. */
export async function edgeMiddleware(
  req: Request,
  ctx: RouteContext<AppState>,
): Promise<Response> {
  const { services } = ctx.state;
  ctx.state.clientIp = clientIp(
    req,
    ctx.info,
    services.config.security.trustProxy,
  );
  let response: Response;
  try {
    if (ctx.url.pathname.startsWith("/api/")) {
      const decision = services.apiLimiter.take(ctx.state.clientIp);
      if (!decision.allowed) {
        throw new HttpError(
          429,
          "rate_limited",
          `Too many requests; retry in ${decision.retryAfterSeconds} s`,
          { headers: { "retry-after": String(decision.retryAfterSeconds) } },
        );
      }
    }
    response = await ctx.next();
  } catch (error) {
    if (!(error instanceof HttpError) || error.status >= 500) {
      services.logger.error("Request failed", {
        method: req.method,
        path: ctx.url.pathname,
        error: error instanceof Error ? error : String(error),
      });
    }
    response = errorResponse(error);
  }
  return withSecurityHeaders(response);
}
