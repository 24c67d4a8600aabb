import type { Signal } from "@preact/signals";
import type { FeedMode } from "../lib/protocol/api_types.ts";
import type { TapeTrade } from "../lib/protocol/trades.ts";
import { cx } from "../lib/client/class_names.ts";
import {
  formatClockUtc,
  formatCompact,
  formatPrice,
  formatUsd,
} from "../lib/client/format.ts";
import { formatMultiple } from "../lib/client/severity.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode TradesTape}. */
export interface TradesTapeProps {
  readonly symbols: readonly string[];
  readonly selected: Signal<string>;
  /** Server-rendered recent trades of the selected pair. */
  readonly trades: {
    readonly symbol: string;
    readonly trades: readonly TapeTrade[];
  };
  /** Single-trade alert lines per pair, USDT. */
  readonly tradeThresholds: Readonly<Record<string, number>>;
  /** How the service ingests when the page was rendered. */
  readonly mode: FeedMode;
}

/** Rows shown (the tape keeps a few more). */
const ROWS = 24;
/** Share of the trade line from which a trade is highlighted as large. */
const LARGE_SHARE = 0.25;

/**
 * The selected pair's public trades as they print, newest on top: time,
 * side, price, size and notional. Trades at a quarter of the pair's
 * single-trade alert line or more are highlighted, and those at or above it
 * say by how much. Public trades come only from the exchange's WebSocket
 * feed, so with REST ingestion the tape says so instead of staying empty.
 */
export default function TradesTape(props: TradesTapeProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    trades: props.trades,
    tradeThresholds: props.tradeThresholds,
  });
  const symbol = props.selected.value;
  dashboard.tape.version.value;
  const trades = dashboard.tape.trades(symbol).slice(-ROWS).reverse();
  const line = dashboard.tradeThresholds.value[symbol] ??
    props.tradeThresholds[symbol];
  const mode = dashboard.store.upstream.value?.mode ?? props.mode;
  const note = mode === "rest"
    ? "Trades need the exchange's WebSocket feed; this service polls prices over REST (INGEST_MODE=rest)."
    : mode === "rest-fallback"
    ? "The exchange's WebSocket feed is down: trades resume when it returns."
    : trades.length === 0
    ? "Waiting for trades…"
    : undefined;
  return (
    <section
      class={cx("panel tape", mode === "rest" && "is-idle")}
      aria-labelledby="tape-title"
    >
      <header class="panel-head">
        <h2 id="tape-title">
          Trades <span class="muted">· {symbol.replace("-", "/")}</span>
        </h2>
        <span
          class="muted num"
          title="Trades at a quarter of this line or more are highlighted"
        >
          line {formatUsd(line)}
        </span>
      </header>
      {note && <p class="empty-note" data-field="tape-note">{note}</p>}
      {trades.length > 0 && (
        <table class="tape-table num" data-field="tape">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Side</th>
              <th scope="col" class="right">Price</th>
              <th scope="col" class="right">Size</th>
              <th scope="col" class="right">Value</th>
            </tr>
          </thead>
          <tbody>
            {trades.map((trade) => {
              const share = line ? trade.notional / line : 0;
              return (
                <tr
                  key={trade.id}
                  class={cx(
                    share >= 1
                      ? "is-whale"
                      : share >= LARGE_SHARE && "is-large",
                  )}
                >
                  <td>{formatClockUtc(trade.ts)}</td>
                  <td class={trade.side === "Buy" ? "up" : "down"}>
                    {trade.side === "Buy" ? "Buy" : "Sell"}
                  </td>
                  <td class="right">{formatPrice(trade.price)}</td>
                  <td class="right">{formatCompact(trade.size)}</td>
                  <td class="right">
                    {formatUsd(trade.notional)}
                    {share >= 1 && <small>{` ${formatMultiple(share)}`}</small>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
