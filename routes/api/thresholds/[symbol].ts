import { requireAdmin } from "../../../lib/http/admin_auth.ts";
import type { ThresholdResponse } from "../../../lib/protocol/api_types.ts";
import { type Handlers, jsonResponse } from "../../../lib/web/mod.ts";
import { readJsonBody } from "../../../lib/http/json_body.ts";
import { resolveSymbol } from "../../../lib/http/symbol_policy.ts";
import { thresholdBodySchema } from "../../../lib/http/threshold_body.ts";
import type { AppState } from "../../../lib/service/app_state.ts";

/**
 * Reads (GET) or, with the admin token, changes (PUT) one symbol's lines:
 * `threshold` (whale, 24 h turnover), `trade_threshold`, `spike_threshold`.
 */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => {
    const { services } = ctx.state;
    const symbol = resolveSymbol(ctx.params.symbol, services.symbolTable);
    const all = services.thresholds();
    const body: ThresholdResponse = {
      symbol,
      threshold: all.thresholds[symbol],
      trade_threshold: all.trade_thresholds[symbol],
      spike_threshold: all.spike_thresholds[symbol],
    };
    return jsonResponse(body);
  },
  PUT: async (req, ctx) => {
    const { services } = ctx.state;
    await requireAdmin(req, services.config.security.adminToken);
    const symbol = resolveSymbol(ctx.params.symbol, services.symbolTable);
    const body = await readJsonBody(req, thresholdBodySchema, {
      timeoutMs: services.config.server.bodyTimeoutMs,
    });
    return jsonResponse(
      await services.setThreshold(symbol, body, ctx.state.clientIp),
    );
  },
};
