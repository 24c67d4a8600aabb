import { useSignal } from "@preact/signals";
import type { AlertFrame, AlertKind } from "../lib/protocol/frames.ts";
import { cx } from "../lib/client/class_names.ts";
import {
  ALERT_KIND_LABEL,
  formatPrice,
  formatUsd,
} from "../lib/client/format.ts";
import { severityOf } from "../lib/client/severity.ts";
import { LedgerRow, sideLabel } from "../lib/client/ledger_row.tsx";
import { useMarketPage } from "../lib/client/use_market_page.ts";

/** Props of {@linkcode MarketLedger}. */
export interface MarketLedgerProps {
  /** Server-rendered recent alerts of every pair, newest first. */
  readonly alerts: readonly AlertFrame[];
}

const FILTERS: readonly { readonly kind: AlertKind | null; label: string }[] = [
  { kind: null, label: "All" },
  { kind: "whale_trade", label: "Whale trades" },
  { kind: "volume_spike", label: "Spikes" },
  { kind: "threshold_crossing", label: "Crossings" },
  { kind: "liquidation", label: "Liquidations" },
];

/**
 * The market-wide ledger: whale trades, volume spikes, turnover crossings and
 * liquidations of every tracked pair, newest first, pushed live on the
 * screener's socket. Filter by kind; a row opens the pair's detail view.
 */
export default function MarketLedger(props: MarketLedgerProps) {
  const page = useMarketPage({ alerts: props.alerts });
  const kind = useSignal<AlertKind | null>(null);
  const all = page.ledger.value;
  const shown = kind.value === null
    ? all
    : all.filter((alert) => alert.kind === kind.value);
  return (
    <section class="panel ledger market-ledger" aria-labelledby="mledger-title">
      <header class="panel-head">
        <h2 id="mledger-title">Market ledger</h2>
        <span class="count num" aria-label={`${shown.length} alerts shown`}>
          {shown.length}
        </span>
      </header>
      <div class="chips" role="group" aria-label="Filter alerts by kind">
        {FILTERS.map((filter) => (
          <button
            key={filter.kind ?? "all"}
            type="button"
            class={cx("chip", kind.value === filter.kind && "is-active")}
            aria-pressed={kind.value === filter.kind}
            data-kind={filter.kind ?? "all"}
            onClick={() => (kind.value = filter.kind)}
          >
            {filter.label}
          </button>
        ))}
      </div>
      <ol
        class="ledger-list"
        aria-live="polite"
        aria-relevant="additions"
        data-field="market-ledger"
      >
        {shown.map((alert) => (
          <LedgerRow key={alert.id} alert={alert} severity={severityOf(alert)}>
            <div class="row-body num">
              <span class="notional">
                {alert.kind === "price_level"
                  ? formatPrice(alert.threshold)
                  : formatUsd(alert.notional)}
              </span>
              <span class="muted">{ALERT_KIND_LABEL[alert.kind]}</span>
              {alert.side && (
                <span class={alert.side === "Buy" ? "up" : "down"}>
                  {sideLabel(alert)}
                </span>
              )}
              {alert.size !== undefined && (
                <span class="muted">size {alert.size}</span>
              )}
              <span class="muted">@ {formatPrice(alert.price)}</span>
            </div>
          </LedgerRow>
        ))}
      </ol>
      {shown.length === 0 && (
        <p class="empty-note">
          No alerts yet. Whale trades, spikes, crossings and liquidations of
          every pair appear here as they are raised.
        </p>
      )}
    </section>
  );
}
