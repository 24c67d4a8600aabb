import { signal } from "@preact/signals";
import AlertLedger from "../islands/alert_ledger.tsx";
import ConnectionBanner from "../islands/connection_banner.tsx";
import HeaderStatus from "../islands/header_status.tsx";
import NetworkDiagnostics from "../islands/network_diagnostics.tsx";
import PriceAlerts from "../islands/price_alerts.tsx";
import PriceCard from "../islands/price_card.tsx";
import PriceChart from "../islands/price_chart.tsx";
import RoomMetrics from "../islands/room_metrics.tsx";
import ThresholdController from "../islands/threshold_controller.tsx";
import TickerStrip from "../islands/ticker_strip.tsx";
import TradesTape from "../islands/trades_tape.tsx";
import {
  type DashboardPageData,
  dashboardPageData,
} from "../lib/service/dashboard_page_data.ts";
import type { AppState } from "../lib/service/app_state.ts";
import { type Handlers, Head, type PageProps } from "../lib/web/mod.ts";
import { PageBrand } from "../lib/client/page_brand.tsx";
import { PageFoot } from "../lib/client/page_foot.tsx";

/** The dashboard, rendered with the service's latest data. */
export const handler: Handlers<AppState, DashboardPageData> = {
  GET: (_req, ctx) =>
    ctx.render(dashboardPageData(ctx.state.services, undefined)),
};

/**
 * The dashboard layout. Static markup here (one `h1`, a skip link to the
 * chart); the live parts are islands that share one connection and the
 * `selected` signal (serialised once, revived as one signal in the browser).
 */
export default function Dashboard({ data }: PageProps<DashboardPageData>) {
  const selected = signal(data.selected);
  const { symbols } = data;
  return (
    <div class="app">
      <Head>
        <title>{`${data.selected.replace("-", "/")} · SATS Sentinel`}</title>
      </Head>
      <a class="skip-link" href="#main">Skip to the chart</a>
      <header class="topbar">
        <PageBrand />
        <HeaderStatus
          symbols={symbols}
          simulated={data.simulated}
          epoch={data.epoch}
        />
      </header>
      <ConnectionBanner symbols={symbols} />
      <TickerStrip
        symbols={symbols}
        firstSymbols={data.firstSymbols}
        selected={selected}
        ticks={data.ticks}
        deepLinked={data.deepLinked}
      />
      <main class="layout" id="main" tabIndex={-1}>
        <div class="col-main">
          <PriceCard
            symbols={symbols}
            selected={selected}
            ticks={data.ticks}
            thresholds={data.thresholds.thresholds}
            epoch={data.epoch}
            simulated={data.simulated}
            renderedAt={data.renderedAt}
          />
          <PriceChart
            symbols={symbols}
            selected={selected}
            candles={data.candles}
            priceAlerts={data.priceAlerts.price_alerts}
            renderedAt={data.renderedAt}
          />
        </div>
        <aside class="col-side">
          <TradesTape
            symbols={symbols}
            selected={selected}
            trades={data.trades}
            tradeThresholds={data.thresholds.trade_thresholds}
            mode={data.diagnostics.mode}
          />
          <AlertLedger symbols={symbols} alerts={data.alerts} />
        </aside>
        <div class="row-ops">
          <PriceAlerts
            symbols={symbols}
            selected={selected}
            priceAlerts={data.priceAlerts.price_alerts}
            lastPrice={data.ticks[symbols.indexOf(data.selected)]?.price}
            writable={data.thresholds.writable}
          />
          <ThresholdController
            symbols={symbols}
            selected={selected}
            thresholds={data.thresholds.thresholds}
            writable={data.thresholds.writable}
          />
          <RoomMetrics symbols={symbols} rooms={data.rooms} />
          <NetworkDiagnostics
            symbols={symbols}
            diagnostics={data.diagnostics}
            metrics={data.metrics}
            renderedAt={data.renderedAt}
          />
        </div>
      </main>
      <PageFoot what="Tickers" simulated={data.simulated} />
    </div>
  );
}
