import MarketLedger from "../islands/market_ledger.tsx";
import MarketScreener from "../islands/market_screener.tsx";
import { PageBrand } from "../lib/client/page_brand.tsx";
import { PageFoot } from "../lib/client/page_foot.tsx";
import type { AppState } from "../lib/service/app_state.ts";
import {
  type MarketPageData,
  marketPageData,
} from "../lib/service/market_page_data.ts";
import { type Handlers, Head, type PageProps } from "../lib/web/mod.ts";

/** The screener, rendered with the service's latest overview. */
export const handler: Handlers<AppState, MarketPageData> = {
  GET: (_req, ctx) => ctx.render(marketPageData(ctx.state.services)),
};

/**
 * Every tracked market on one page: the screener (sortable, filterable,
 * virtualised) and the market-wide ledger, both fed by one `/ws/market`
 * socket. A row opens the pair's detail view (`/s/:symbol`).
 */
export default function Markets({ data }: PageProps<MarketPageData>) {
  return (
    <div class="app">
      <Head>
        <title>Markets · SATS Sentinel</title>
      </Head>
      <a class="skip-link" href="#main">Skip to the markets</a>
      <header class="topbar">
        <PageBrand />
        <nav class="top-nav" aria-label="Pages">
          <a href="/">Dashboard</a>
          <a href="/markets" aria-current="page">Markets</a>
        </nav>
      </header>
      <main class="markets-layout" id="main" tabIndex={-1}>
        <MarketScreener
          items={data.items}
          total={data.total}
          markets={data.markets}
          firstSymbols={data.firstSymbols}
        />
        <MarketLedger alerts={data.alerts} />
      </main>
      <PageFoot what={`${data.total} markets`} simulated={data.simulated} />
    </div>
  );
}
