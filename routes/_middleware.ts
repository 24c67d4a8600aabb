import { edgeMiddleware } from "../lib/http/edge_middleware.ts";

/** Every request: client IP, `/api/*` rate limit, JSON errors, security headers. */
export const handler = edgeMiddleware;
