import { requireAdmin } from "../../lib/http/admin_auth.ts";
import { type Handlers, jsonResponse } from "../../lib/web/mod.ts";
import { readAuditQuery } from "../../lib/service/api_queries.ts";
import type { AppState } from "../../lib/service/app_state.ts";

/**
 * Configuration changes (threshold changes with the caller's IP), newest
 * first: `?symbol=&cursor=&limit=`. Admin only: the entries name the IP
 * addresses of the people who changed settings, which is not for anyone on
 * the network to read. Without `ADMIN_TOKEN` nothing can change, so there is
 * nothing to read either (403).
 */
export const handler: Handlers<AppState> = {
  GET: async (req, ctx) => {
    const { services } = ctx.state;
    await requireAdmin(req, services.config.security.adminToken);
    const query = readAuditQuery(ctx.url.searchParams, services.symbolTable);
    return jsonResponse(await services.audit(query));
  },
};
