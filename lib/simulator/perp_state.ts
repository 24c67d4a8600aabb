/**
 * What makes a simulated perpetual more than its price walk: the mark price
 * (the last price plus a small, slowly wandering basis), the index price
 * (the spot reference), open interest, the funding rate and the next funding
 * time (every 8 hours, as on Bybit), and liquidations — forced closes at a
 * Poisson rate, mostly small, with the occasional large one that a desk
 * wants to hear about.
 *
 * Stepped with its symbol, from its own random stream: adding perpetual
 * state never changes the price walk it rides on.
 */
import type { SeededRandom } from "./prng.ts";
import type { SymbolSpec } from "./symbol_specs.ts";

const HOUR_MS = 3_600_000;
/** Bybit funds USDT perpetuals every 8 hours, on the UTC clock. */
export const FUNDING_INTERVAL_MS = 8 * HOUR_MS;

/** A simulated liquidation, before the tape numbers it. */
export interface SimLiquidationDraft {
  /** Epoch ms. */
  readonly time: number;
  readonly symbol: string;
  /** The liquidated position's side: `Buy` is a long. */
  readonly side: "Buy" | "Sell";
  /** Bankruptcy price, formatted. */
  readonly price: string;
  /** Size in the base coin, formatted. */
  readonly size: string;
  /** `price × size`, USDT. */
  readonly notional: number;
}

/** The contract fields a linear ticker carries, as numbers. */
export interface PerpQuote {
  /** Mark price relative to the last price, e.g. 1.0003. */
  readonly markRatio: number;
  /** Index price relative to the last price. */
  readonly indexRatio: number;
  /** Open interest in contracts (base coin). */
  readonly openInterest: number;
  /** Funding rate, a fraction per interval. */
  readonly fundingRate: number;
  /** Next funding time, epoch ms. */
  readonly nextFundingTime: number;
}

/** Liquidations per hour at normal activity, per $10 M of daily turnover. */
const LIQUIDATIONS_PER_HOUR_PER_10M = 6;
/** Share of liquidations that are large (a desk alert). */
const LARGE_SHARE = 0.04;

/** The perpetual state of one symbol. */
export class PerpState {
  readonly #spec: SymbolSpec;
  readonly #random: SeededRandom;
  #basis: number;
  #indexGap: number;
  #openInterest: number;
  #fundingRate: number;

  /** Starts at plausible levels for `spec`. */
  constructor(spec: SymbolSpec, random: SeededRandom) {
    this.#spec = spec;
    this.#random = random;
    this.#basis = 0.0002 * random.gaussian();
    this.#indexGap = 0.0003 * random.gaussian();
    // Open interest of about a quarter of a day's turnover.
    this.#openInterest = spec.turnoverMean * 0.25 / spec.startPrice;
    this.#fundingRate = 0.0001 + 0.00005 * random.gaussian();
  }

  /**
   * Advances by `dtMs` ending at epoch `wallEndMs`, at `price`; returns the
   * liquidations of the step, oldest first.
   */
  step(dtMs: number, wallEndMs: number, price: number): SimLiquidationDraft[] {
    const random = this.#random;
    const keep = Math.exp(-dtMs / 600_000);
    this.#basis = this.#basis * keep + 0.0002 * Math.sqrt(1 - keep * keep) *
        random.gaussian();
    this.#indexGap = this.#indexGap * keep +
      0.0003 * Math.sqrt(1 - keep * keep) * random.gaussian();
    this.#openInterest *= Math.exp(
      0.01 * Math.sqrt(dtMs / 60_000) * random.gaussian(),
    );
    this.#fundingRate = Math.max(
      -0.0075,
      Math.min(
        0.0075,
        this.#fundingRate + 0.000002 * Math.sqrt(dtMs / 1_000) *
            random.gaussian(),
      ),
    );
    const perHour = LIQUIDATIONS_PER_HOUR_PER_10M *
      this.#spec.turnoverMean / 10_000_000;
    const count = random.poisson(perHour * dtMs / HOUR_MS);
    const drafts: SimLiquidationDraft[] = [];
    for (let i = 0; i < count; i++) {
      const large = random.next() < LARGE_SHARE;
      const notional = large
        ? random.logUniform(1_000_000, 8_000_000)
        : random.logUniform(500, 150_000);
      const side = random.next() < 0.5 ? "Buy" : "Sell";
      // A long is closed below the market, a short above it.
      const fill = price * (side === "Buy" ? 0.998 : 1.002);
      const unit = 10 ** -this.#spec.sizeDecimals;
      const size = Math.max(unit, notional / fill);
      const sizeText = size.toFixed(this.#spec.sizeDecimals);
      const priceText = fill.toFixed(this.#spec.priceDecimals);
      drafts.push({
        time: wallEndMs - Math.floor(random.next() * dtMs),
        symbol: this.#spec.symbol,
        side,
        price: priceText,
        size: sizeText,
        notional: Number(priceText) * Number(sizeText),
      });
    }
    return drafts.sort((a, b) => a.time - b.time);
  }

  /** The contract fields at epoch `now`; reading changes nothing. */
  quote(now: number): PerpQuote {
    return {
      markRatio: 1 + this.#basis,
      indexRatio: 1 + this.#indexGap,
      openInterest: this.#openInterest,
      fundingRate: this.#fundingRate,
      nextFundingTime: (Math.floor(now / FUNDING_INTERVAL_MS) + 1) *
        FUNDING_INTERVAL_MS,
    };
  }
}
