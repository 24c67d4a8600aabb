import type { Signal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { TickFrame } from "../lib/protocol/frames.ts";
import { cx } from "../lib/client/class_names.ts";
import {
  directionArrow,
  formatClockUtc,
  formatPercent,
  formatPrice,
  formatUsd,
} from "../lib/client/format.ts";
import { ageMs, isStale } from "../lib/client/freshness.ts";
import {
  FLASH_MIN_INTERVAL_MS,
  FlashThrottle,
} from "../lib/client/price_flash.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode PriceCard}. */
export interface PriceCardProps {
  readonly symbols: readonly string[];
  readonly selected: Signal<string>;
  readonly ticks: readonly (TickFrame | null)[];
  readonly thresholds: Readonly<Record<string, number>>;
  readonly epoch: string;
  readonly simulated: boolean;
  readonly renderedAt: number;
}

// Only the background is tinted, lightly: the digits keep their colour, so
// their contrast stays far above AA during a flash.
const FLASH = {
  up: [{ backgroundColor: "rgba(22, 199, 132, 0.2)" }, {
    backgroundColor: "rgba(22, 199, 132, 0)",
  }],
  down: [{ backgroundColor: "rgba(242, 85, 94, 0.2)" }, {
    backgroundColor: "rgba(242, 85, 94, 0)",
  }],
};

const TIER_LABEL = {
  STABLE: "Stable",
  ACTIVE: "Active",
  ELEVATED: "Elevated",
} as const;

/**
 * The selected pair in detail: price (flashing up or down at most twice a
 * second), 24 h change, where the price sits in the 24 h range, volatility
 * tier, whale state, turnover against the whale threshold, and honest
 * markers when the data is stale or simulated.
 */
export default function PriceCard(props: PriceCardProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    ticks: props.ticks,
    thresholds: props.thresholds,
    epoch: props.epoch,
    simulated: props.simulated,
    renderedAt: props.renderedAt,
  });
  const { store } = dashboard;
  const symbol = props.selected.value;
  const tick = store.tick(symbol).value;
  const session = store.session.value;
  const age = tick
    ? ageMs(tick.ts, dashboard.now.value, session?.clockOffsetMs ?? 0)
    : null;
  const stale = isStale(age, store.upstream.value);
  const simulated = session?.simulated ?? props.simulated;
  const threshold = store.thresholds.value[symbol] ?? tick?.whale_threshold;
  const priceRef = useRef<HTMLSpanElement>(null);
  const flash = useRef(new FlashThrottle());

  useEffect(() => {
    const element = priceRef.current;
    if (!tick || !element) return;
    const direction = flash.current.next(symbol, tick.price, performance.now());
    if (!direction) return;
    element.dataset.flash = direction;
    // The Web Animations API needs no class toggling and no forced reflow.
    if (matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    element.animate(FLASH[direction], {
      duration: FLASH_MIN_INTERVAL_MS - 50,
      easing: "ease-out",
    });
  }, [tick?.seq, symbol]);

  const change = tick?.change ?? 0;
  const trend = change > 0 ? "up" : change < 0 ? "down" : "flat";
  const position = Math.min(100, Math.max(0, tick?.range_position ?? 0));
  const volumeShare = tick && threshold
    ? Math.min(1, tick.volume / threshold)
    : 0;
  const [base] = symbol.split("-");

  return (
    <section
      class="panel price-card"
      aria-labelledby="price-card-title"
      data-symbol={symbol}
    >
      <header class="panel-head">
        <h2 id="price-card-title" class="pair-title">
          {base}
          <span class="pair-quote">/{symbol.slice(base.length + 1)}</span>
        </h2>
        <div class="badges">
          {tick && (
            <span
              class={cx("badge", `tier-${tick.tier.toLowerCase()}`)}
              title="Volatility tier from the 24 h spread"
            >
              {TIER_LABEL[tick.tier]} · {tick.spread.toFixed(2)}%
            </span>
          )}
          {tick?.is_whale && (
            <span
              class="badge badge-whale"
              title="24 h turnover is at or above the whale threshold"
            >
              Whale
            </span>
          )}
          {stale && (
            <span class="badge badge-stale" title="No fresh data from upstream">
              Stale
            </span>
          )}
          {simulated && (
            <span
              class="badge badge-sim"
              title="Prices come from the local exchange simulator"
            >
              Simulated
            </span>
          )}
        </div>
      </header>

      <div class="price-row">
        <span
          ref={priceRef}
          class={cx("price num", stale && "is-stale")}
          data-field="price"
          aria-live="off"
        >
          {formatPrice(tick?.price)}
        </span>
        <span class={cx("change-pill num", trend)} title="24 h change">
          {directionArrow(tick?.change)} {formatPercent(tick?.change)}{" "}
          <small>24h</small>
        </span>
      </div>

      <div class="range">
        <div class="range-labels num">
          <span>L {formatPrice(tick?.low)}</span>
          <span class="range-caption">24 h range · {position.toFixed(0)}%</span>
          <span>H {formatPrice(tick?.high)}</span>
        </div>
        <svg
          class="range-bar"
          viewBox="0 0 100 10"
          preserveAspectRatio="none"
          aria-hidden="true"
        >
          <rect
            class="range-track"
            x="0"
            y="3.5"
            width="100"
            height="3"
            rx="1.5"
          />
          <rect
            class="range-fill"
            x="0"
            y="3.5"
            width={position}
            height="3"
            rx="1.5"
          />
          <rect
            class="range-marker"
            x={Math.min(99, Math.max(0, position - 0.5))}
            y="0"
            width="1"
            height="10"
          />
        </svg>
      </div>

      <dl class="stats">
        <div>
          <dt>24h turnover</dt>
          <dd class="num">{formatUsd(tick?.volume)}</dd>
        </div>
        <div>
          <dt>Whale threshold</dt>
          <dd class="num">{formatUsd(threshold)}</dd>
        </div>
        <div>
          <dt>Velocity</dt>
          <dd
            class={cx(
              "num",
              (tick?.velocity ?? 0) > 0
                ? "up"
                : (tick?.velocity ?? 0) < 0
                ? "down"
                : undefined,
            )}
          >
            {tick ? `${formatPercent(tick.velocity, 3)}/s` : "—"}
          </dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd class="num">{tick ? `${formatClockUtc(tick.ts)} UTC` : "—"}</dd>
        </div>
      </dl>
      <div
        class="meter"
        title="24 h turnover as a share of the whale threshold"
      >
        <svg
          class="meter-bar"
          viewBox="0 0 100 4"
          preserveAspectRatio="none"
          aria-hidden="true"
        >
          <rect class="meter-track" x="0" y="0" width="100" height="4" rx="2" />
          <rect
            class={cx("meter-fill", tick?.is_whale && "is-whale")}
            x="0"
            y="0"
            width={volumeShare * 100}
            height="4"
            rx="2"
          />
        </svg>
        <span class="meter-label num">
          {(volumeShare * 100).toFixed(0)}% of threshold
        </span>
      </div>
    </section>
  );
}
