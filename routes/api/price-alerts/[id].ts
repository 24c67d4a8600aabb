import { requireAdmin } from "../../../lib/http/admin_auth.ts";
import type { AppState } from "../../../lib/service/app_state.ts";
import type { Handlers } from "../../../lib/web/mod.ts";

/** Deletes one price-level alert with the admin token (204; 404 if unknown). */
export const handler: Handlers<AppState> = {
  DELETE: async (req, ctx) => {
    const { services } = ctx.state;
    await requireAdmin(req, services.config.security.adminToken);
    await services.deletePriceAlert(ctx.params.id, ctx.state.clientIp);
    return new Response(null, { status: 204 });
  },
};
