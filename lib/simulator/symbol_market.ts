/**
 * One simulated spot market: a geometric random walk for the price, a slowly
 * wandering activity level, Poisson trade flow with occasional whale trades,
 * and the 24 h statistics that follow from them.
 *
 * Turnover is a decaying sum of trade notional rather than a literal 24 h
 * sum: with a one-hour time constant it moves on the time scale of a demo
 * (minutes), so whale thresholds are crossed now and then, while its level
 * stays in the band the spec sets. A literal 24 h window would need a day of
 * simulated trading before a threshold could move.
 */
import { PriceWindow, WINDOW_MINUTES } from "./price_window.ts";
import type { SeededRandom } from "./prng.ts";
import { priceTicks, type SymbolQuote } from "./spot_ticker.ts";
import type { SymbolSpec } from "./symbol_specs.ts";
import { SymbolKlines } from "./symbol_klines.ts";
import type { TickDirection, TradeSide, TradeTape } from "./trade_tape.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Time constant of the turnover decay (see the module comment). */
export const TURNOVER_DECAY_MS = 1_800_000;
/** Activity is a log-normal Ornstein–Uhlenbeck process: spread and memory. */
const ACTIVITY_SIGMA = 0.35;
const ACTIVITY_DECAY_MS = 10 * MINUTE_MS;
/** Pull of the log price back to its start: keeps week-long runs plausible. */
const PRICE_REVERSION_MS = 3 * DAY_MS;
/** Spread of an ordinary trade's notional around its mean (log scale). */
const TRADE_SIGMA = 0.8;
/** Price move of the largest whale trade, as a fraction. */
const WHALE_IMPACT = 0.0004;

/** Where the walk of one symbol starts. */
export interface SymbolMarketOptions {
  readonly spec: SymbolSpec;
  /** The stream this symbol draws from; consumed in a fixed order. */
  readonly random: SeededRandom;
  /** Simulated milliseconds per step. */
  readonly stepMs: number;
  /** Epoch ms of minute 0's start: where the kline history ends. */
  readonly startMs: number;
  /** The stream the kline history is drawn from (not the live walk's). */
  readonly historyRandom: SeededRandom;
}

/** The evolving state of one symbol; advanced one step at a time. */
export class SymbolMarket {
  readonly spec: SymbolSpec;
  #random: SeededRandom;
  #stepMs: number;
  #anchor: number;
  #logPrice: number;
  #activity: number;
  #turnover: number;
  #volume: number;
  #window: PriceWindow;
  #regularMean: number;
  #lastTradeTicks: number;
  #lastDirection: TickDirection = "ZeroPlusTick";
  #bidTicks = 0;
  #askTicks = 1;
  #bidSize = 0;
  #askSize = 0;
  #indexRatio = 1;
  /** Candles: the history before the start and the minutes traded since. */
  readonly klines: SymbolKlines;

  /**
   * Builds the symbol with its kline history behind minute 0; the last day
   * of it seeds the 24 h window, so tickers and klines agree.
   */
  constructor(options: SymbolMarketOptions) {
    const { spec, random, stepMs } = options;
    this.spec = spec;
    this.#random = random;
    this.#stepMs = stepMs;
    this.#anchor = Math.log(spec.startPrice);
    this.#logPrice = this.#anchor;
    const [whaleMin, whaleMax] = spec.whaleNotional;
    const whaleFlowPerHour = spec.whalesPerHour * (whaleMax - whaleMin) /
      Math.log(whaleMax / whaleMin);
    const regularFlowPerHour = spec.turnoverMean * 3_600_000 /
        TURNOVER_DECAY_MS - whaleFlowPerHour;
    if (!(regularFlowPerHour > 0)) {
      throw new RangeError(
        `Whale flow of ${spec.symbol} exceeds its turnoverMean ${spec.turnoverMean}`,
      );
    }
    this.#regularMean = regularFlowPerHour / (spec.tradesPerSecond * 3600);
    this.#activity = ACTIVITY_SIGMA * random.gaussian();
    this.#turnover = spec.turnoverMean * Math.exp(0.15 * random.gaussian());
    this.#volume = this.#turnover / spec.startPrice;
    this.klines = new SymbolKlines({
      spec,
      random: options.historyRandom,
      startMs: options.startMs,
      turnoverPerMinute: spec.turnoverMean * 60_000 / TURNOVER_DECAY_MS,
      historyMinutes: spec.klineHistory?.minutes,
      historyHours: spec.klineHistory?.hours,
    });
    this.#window = new PriceWindow(
      0,
      spec.startPrice,
      this.klines.windowHistory(WINDOW_MINUTES - 1),
    );
    this.#lastTradeTicks = priceTicks(spec.startPrice, spec.priceDecimals);
    this.#updateBook(1);
  }

  /** The latest price (not yet rounded to the tick grid). */
  get price(): number {
    return Math.exp(this.#logPrice);
  }

  /**
   * Advances by one step. `endMs`: simulated time since minute 0 at the end
   * of the step (it places the price in its minute bar); `wallEndMs`: the
   * same instant as epoch ms, for trade times. Trades go to `tape`.
   */
  step(endMs: number, wallEndMs: number, tape: TradeTape): void {
    const dt = this.#stepMs;
    const random = this.#random;
    const spec = this.spec;
    const keep = Math.exp(-dt / ACTIVITY_DECAY_MS);
    this.#activity = this.#activity * keep +
      ACTIVITY_SIGMA * Math.sqrt(1 - keep * keep) * random.gaussian();
    const activity = Math.exp(
      this.#activity - ACTIVITY_SIGMA * ACTIVITY_SIGMA / 2,
    );
    const sigma = spec.dailyVolatility * Math.sqrt(dt / DAY_MS);
    const move = sigma * random.gaussian();
    this.#logPrice += move - (dt / PRICE_REVERSION_MS) *
        (this.#logPrice - this.#anchor);

    const regular = random.poisson(spec.tradesPerSecond * dt / 1000 * activity);
    const whales = random.poisson(
      spec.whalesPerHour * dt / 3_600_000 * activity,
    );
    const decay = Math.exp(-dt / TURNOVER_DECAY_MS);
    this.#turnover *= decay;
    this.#volume *= decay;
    const minute = Math.floor(endMs / MINUTE_MS);
    const times: number[] = [];
    for (let i = 0; i < regular + whales; i++) {
      times.push(wallEndMs - Math.floor(random.next() * dt));
    }
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      const whale = i >= regular;
      const side: TradeSide = random.next() < (move >= 0 ? 0.55 : 0.45)
        ? "Buy"
        : "Sell";
      const notional = whale
        ? random.logUniform(...spec.whaleNotional)
        : this.#regularMean *
          Math.exp(TRADE_SIGMA * random.gaussian() - TRADE_SIGMA ** 2 / 2);
      if (whale) {
        const impact = WHALE_IMPACT * notional / spec.whaleNotional[1];
        this.#logPrice += side === "Buy" ? impact : -impact;
      }
      // Every traded price enters the window, so no trade prints outside
      // the 24 h high and low.
      this.#window.update(minute, this.price);
      this.#trade(times[i], side, notional, tape);
    }
    this.#window.update(minute, this.price);
    this.klines.record(wallEndMs, this.price);
    this.#updateBook(activity);
  }

  /**
   * Moves the price to `price` at once (the walk goes on from there): for
   * tests and demos that need the market at a given level, such as a
   * price-level alert's.
   */
  setPrice(price: number): void {
    if (!(price > 0) || !Number.isFinite(price)) {
      throw new RangeError(`price must be a positive number, got ${price}`);
    }
    this.#logPrice = Math.log(price);
  }

  /** The numbers a ticker snapshot is formatted from; reading changes nothing. */
  quote(): SymbolQuote {
    return {
      price: this.price,
      bidTicksBelow: this.#bidTicks,
      askTicksAbove: this.#askTicks,
      bidSize: this.#bidSize,
      askSize: this.#askSize,
      high24h: this.#window.high,
      low24h: this.#window.low,
      prevPrice24h: this.#window.openPrice,
      turnover24h: this.#turnover,
      volume24h: this.#volume,
      indexRatio: this.#indexRatio,
    };
  }

  #trade(
    time: number,
    side: TradeSide,
    notional: number,
    tape: TradeTape,
  ): void {
    const { priceDecimals, sizeDecimals, symbol } = this.spec;
    const ticks = priceTicks(this.price, priceDecimals);
    const price = ticks / 10 ** priceDecimals;
    const unit = 10 ** -sizeDecimals;
    const size = Math.max(unit, notional / price);
    const sizeText = size.toFixed(sizeDecimals);
    const filled = Number(sizeText) * price;
    if (ticks !== this.#lastTradeTicks) {
      this.#lastDirection = ticks > this.#lastTradeTicks
        ? "PlusTick"
        : "MinusTick";
    } else if (!this.#lastDirection.startsWith("Zero")) {
      this.#lastDirection = this.#lastDirection === "PlusTick"
        ? "ZeroPlusTick"
        : "ZeroMinusTick";
    }
    this.#lastTradeTicks = ticks;
    this.#turnover += filled;
    this.#volume += Number(sizeText);
    this.klines.record(time, price, Number(sizeText), filled);
    tape.append({
      time,
      symbol,
      side,
      price: price.toFixed(priceDecimals),
      size: sizeText,
      tickDirection: this.#lastDirection,
      notional: filled,
    });
  }

  /** Top of book and index price: redrawn each step, so reads stay pure. */
  #updateBook(activity: number): void {
    const random = this.#random;
    const spread = 1 + random.poisson(0.3);
    this.#bidTicks = Math.min(spread, Math.floor(random.next() * (spread + 1)));
    this.#askTicks = spread - this.#bidTicks;
    const depth = this.#regularMean * 4 * activity / this.price;
    const unit = 10 ** -this.spec.sizeDecimals;
    this.#bidSize = Math.max(unit, depth * random.logUniform(0.2, 5));
    this.#askSize = Math.max(unit, depth * random.logUniform(0.2, 5));
    this.#indexRatio = 1 + 0.98 * (this.#indexRatio - 1) +
      0.00003 * random.gaussian();
  }
}
