import { useSignal } from "@preact/signals";
import type { AlertFrame, AlertKind } from "../lib/protocol/frames.ts";
import { cx } from "../lib/client/class_names.ts";
import { formatIsoUtc, formatPrice, formatUsd } from "../lib/client/format.ts";
import { severityOf } from "../lib/client/severity.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode AlertLedger}. */
export interface AlertLedgerProps {
  readonly symbols: readonly string[];
  /** Server-rendered recent alerts, newest first. */
  readonly alerts: readonly AlertFrame[];
}

const KIND_LABEL: Readonly<Record<AlertKind, string>> = {
  threshold_crossing: "Turnover crossed threshold",
  volume_spike: "Volume spike",
  whale_trade: "Whale trade",
  price_level: "Price level",
};

/**
 * The whale / alert ledger: every alert the service stored, newest first,
 * pushed live over the socket (never polled), filterable by symbol, with the
 * original's severity labels and ISO-8601 UTC timestamps. New rows are
 * announced politely to screen readers.
 */
export default function AlertLedger(props: AlertLedgerProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    alerts: props.alerts,
  });
  const filter = useSignal<string | null>(null);
  const all = dashboard.store.alerts.value;
  const shown = filter.value === null
    ? all
    : all.filter((a) => a.symbol === filter.value);
  return (
    <section class="panel ledger" aria-labelledby="ledger-title">
      <header class="panel-head">
        <h2 id="ledger-title">Whale ledger</h2>
        <span class="count num" aria-label={`${shown.length} alerts shown`}>
          {shown.length}
        </span>
      </header>
      <div class="chips" role="group" aria-label="Filter alerts by symbol">
        {[null, ...props.symbols].map((symbol) => (
          <button
            key={symbol ?? "all"}
            type="button"
            class={cx("chip", filter.value === symbol && "is-active")}
            aria-pressed={filter.value === symbol}
            onClick={() => (filter.value = symbol)}
          >
            {symbol === null ? "All" : symbol.replace("-USDT", "")}
          </button>
        ))}
      </div>
      <ol
        class="ledger-list"
        aria-live="polite"
        aria-relevant="additions"
        data-field="ledger"
      >
        {shown.map((alert) => {
          const severity = severityOf(alert.notional);
          return (
            <li
              key={alert.id}
              class={cx("ledger-row", `sev-${severity.level}`)}
              data-alert-id={alert.id}
            >
              <div class="row-top">
                <span class="sev">{severity.label}</span>
                <span class="row-symbol">{alert.symbol}</span>
                <time class="num" dateTime={alert.time}>
                  {formatIsoUtc(alert.time)}
                </time>
              </div>
              <div class="row-body num">
                <span class="notional">{formatUsd(alert.notional)}</span>
                <span class="muted">
                  {KIND_LABEL[alert.kind] ?? alert.kind}
                </span>
                {alert.side && (
                  <span class={alert.side === "Buy" ? "up" : "down"}>
                    {alert.side}
                  </span>
                )}
                <span class="muted">@ {formatPrice(alert.price)}</span>
                <span class="muted">thr {formatUsd(alert.threshold)}</span>
              </div>
            </li>
          );
        })}
      </ol>
      {shown.length === 0 && (
        <p class="empty-note">
          {filter.value === null
            ? "No alerts yet. Whales appear here the moment turnover crosses a threshold."
            : `No alerts for ${filter.value} yet.`}
        </p>
      )}
    </section>
  );
}
