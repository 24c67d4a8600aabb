import { requireAdmin } from "../../../lib/http/admin_auth.ts";
import { readJsonBody } from "../../../lib/http/json_body.ts";
import { priceAlertBodySchema } from "../../../lib/http/price_alert_body.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import { type Handlers, jsonResponse } from "../../../lib/web/mod.ts";

/**
 * Price-level alerts: every one (GET), or a new one with the admin token
 * (POST `{"symbol", "price", "direction"}`, 201; 409 past a bound).
 */
export const handler: Handlers<AppState> = {
  GET: async (_req, ctx) =>
    jsonResponse(await ctx.state.services.listPriceAlerts()),
  POST: async (req, ctx) => {
    const { services } = ctx.state;
    await requireAdmin(req, services.config.security.adminToken);
    const body = await readJsonBody(
      req,
      priceAlertBodySchema(services.symbolTable),
      { timeoutMs: services.config.server.bodyTimeoutMs },
    );
    return jsonResponse(
      await services.addPriceAlert(body, ctx.state.clientIp),
      201,
    );
  },
};
