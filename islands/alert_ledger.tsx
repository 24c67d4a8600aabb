import { useSignal } from "@preact/signals";
import type { AlertFrame } from "../lib/protocol/frames.ts";
import { cx } from "../lib/client/class_names.ts";
import {
  ALERT_KIND_LABEL,
  formatPrice,
  formatUsd,
} from "../lib/client/format.ts";
import { formatMultiple, severityOf } from "../lib/client/severity.ts";
import { LedgerRow, sideLabel } from "../lib/client/ledger_row.tsx";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode AlertLedger}. */
export interface AlertLedgerProps {
  readonly symbols: readonly string[];
  /** Server-rendered recent alerts, newest first. */
  readonly alerts: readonly AlertFrame[];
}

/** The query string of the ledger's filter, for the export links. */
function exportQuery(symbol: string | null): string {
  return symbol === null ? "" : `?${new URLSearchParams({ symbol })}`;
}

/**
 * The alert ledger: every alert the service stored, newest first, pushed
 * live over the socket (never polled). Severity is measured against the
 * pair's own line (NOTABLE ≥ 1×, LARGE ≥ 5×, EXTREME ≥ 20×), for every kind.
 * Filter by pair; mute a noisy pair (hidden from "All" and never chimes,
 * remembered in this browser); export what the filter shows as CSV or
 * NDJSON. New rows are announced politely to screen readers.
 */
export default function AlertLedger(props: AlertLedgerProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    alerts: props.alerts,
  });
  const filter = useSignal<string | null>(null);
  const muted = dashboard.muted.value;
  const all = dashboard.store.alerts.value;
  const shown = filter.value === null
    ? all.filter((a) => !muted.includes(a.symbol))
    : all.filter((a) => a.symbol === filter.value);
  const hidden = filter.value === null ? all.length - shown.length : 0;
  const isMuted = filter.value !== null && muted.includes(filter.value);
  const query = exportQuery(filter.value);
  return (
    <section class="panel ledger" aria-labelledby="ledger-title">
      <header class="panel-head">
        <h2 id="ledger-title">Alert ledger</h2>
        <div class="ledger-tools">
          {(["csv", "ndjson"] as const).map((format) => (
            <a
              key={format}
              class="chip"
              href={`/api/alerts.${format}${query}`}
              download
              data-field={`export-${format}`}
            >
              {format.toUpperCase()}
            </a>
          ))}
          <span class="count num" aria-label={`${shown.length} alerts shown`}>
            {shown.length}
          </span>
        </div>
      </header>
      <div class="chips" role="group" aria-label="Filter alerts by pair">
        {[null, ...props.symbols].map((symbol) => (
          <button
            key={symbol ?? "all"}
            type="button"
            class={cx(
              "chip",
              filter.value === symbol && "is-active",
              symbol !== null && muted.includes(symbol) && "is-muted",
            )}
            aria-pressed={filter.value === symbol}
            title={symbol !== null && muted.includes(symbol)
              ? "Muted"
              : undefined}
            onClick={() => (filter.value = symbol)}
          >
            {symbol === null ? "All" : symbol.replace("-USDT", "")}
          </button>
        ))}
        {filter.value !== null && (
          <button
            type="button"
            class={cx("chip mute", isMuted && "is-active")}
            aria-pressed={isMuted}
            data-field="mute"
            onClick={() => dashboard.setMuted(filter.value!, !isMuted)}
          >
            {isMuted ? "Unmute" : "Mute"} {filter.value.replace("-USDT", "")}
          </button>
        )}
      </div>
      {hidden > 0 && (
        <p class="muted-note">
          {hidden} {hidden === 1 ? "alert" : "alerts"} from muted pairs hidden (
          {muted.map((s) => s.replace("-USDT", "")).join(", ")})
        </p>
      )}
      <ol
        class="ledger-list"
        aria-live="polite"
        aria-relevant="additions"
        data-field="ledger"
      >
        {shown.map((alert) => {
          const severity = severityOf(alert);
          return (
            <LedgerRow key={alert.id} alert={alert} severity={severity}>
              {severity.level === "level"
                ? (
                  <div class="row-body num">
                    <span class="notional">
                      {alert.direction === "below"
                        ? "▼ Fell below"
                        : "▲ Rose above"} {formatPrice(alert.threshold)}
                    </span>
                    <span class="muted">@ {formatPrice(alert.price)}</span>
                  </div>
                )
                : (
                  <div class="row-body num">
                    <span class="notional">{formatUsd(alert.notional)}</span>
                    {severity.ratio !== null && (
                      <span class="multiple">
                        {formatMultiple(severity.ratio)} line
                      </span>
                    )}
                    <span class="muted">
                      {ALERT_KIND_LABEL[alert.kind] ?? alert.kind}
                    </span>
                    {alert.side && (
                      <span class={alert.side === "Buy" ? "up" : "down"}>
                        {sideLabel(alert)}
                      </span>
                    )}
                    <span class="muted">@ {formatPrice(alert.price)}</span>
                    <span class="muted">line {formatUsd(alert.threshold)}</span>
                  </div>
                )}
            </LedgerRow>
          );
        })}
      </ol>
      {shown.length === 0 && (
        <p class="empty-note">
          {filter.value === null
            ? "No alerts yet. They appear here the moment a pair crosses one of its lines."
            : `No alerts for ${filter.value} yet.`}
        </p>
      )}
    </section>
  );
}
