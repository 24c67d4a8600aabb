import { dashboardPageData } from "../../lib/service/dashboard_page_data.ts";
import type { DashboardPageData } from "../../lib/service/dashboard_page_data.ts";
import type { AppState } from "../../lib/service/app_state.ts";
import type { Handlers } from "../../lib/web/mod.ts";

/**
 * `/s/:symbol` deep-links a pair: the dashboard with it selected. A known
 * symbol in another case redirects to its canonical spelling; an unknown one
 * gets the 404 page.
 */
export const handler: Handlers<AppState, DashboardPageData> = {
  GET: (_req, ctx) => {
    const { services } = ctx.state;
    const symbol = services.symbolTable.get(ctx.params.symbol.toUpperCase());
    if (symbol === undefined) return ctx.renderNotFound();
    if (symbol !== ctx.params.symbol) {
      return Promise.resolve(
        new Response(null, {
          status: 308,
          headers: { location: `/s/${encodeURIComponent(symbol)}` },
        }),
      );
    }
    return ctx.render(dashboardPageData(services, symbol));
  },
};

export { default } from "../index.tsx";
