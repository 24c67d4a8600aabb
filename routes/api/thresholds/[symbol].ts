import { requireAdmin } from "../../../lib/http/admin_auth.ts";
import { jsonResponse } from "../../../lib/http/http_error.ts";
import { readJsonBody } from "../../../lib/http/json_body.ts";
import { resolveSymbol } from "../../../lib/http/symbol_policy.ts";
import { thresholdBodySchema } from "../../../lib/http/threshold_body.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

/** Reads (GET) or, with the admin token, changes (PUT) one threshold. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => {
    const { services } = ctx.state;
    const symbol = resolveSymbol(ctx.params.symbol, services.symbolTable);
    return jsonResponse({
      symbol,
      threshold: services.thresholds().thresholds[symbol],
    });
  },
  PUT: async (req, ctx) => {
    const { services } = ctx.state;
    await requireAdmin(req, services.config.security.adminToken);
    const symbol = resolveSymbol(ctx.params.symbol, services.symbolTable);
    const body = await readJsonBody(req, thresholdBodySchema);
    return jsonResponse(
      await services.setThreshold(symbol, body.threshold, ctx.state.clientIp),
    );
  },
};
