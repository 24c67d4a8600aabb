/**
 * How many decimals the analytics publish. A tick's spread, range position
 * and velocity are ratios computed in floating point: their last digits are
 * noise (`3.46113145617146` % of spread), yet every one of them went to every
 * subscriber of the symbol in every frame, about 30 bytes of a 370-byte tick
 * frame. Rounded where they are computed, the stream, the stored history, the
 * API and the screener all carry the same values.
 */

/** Volatility spread, percent: 4 decimals (a ten-thousandth of a percent). */
export const SPREAD_DECIMALS = 4;
/** Position in the 24 h range, percent: 4 decimals. */
export const RANGE_POSITION_DECIMALS = 4;
/**
 * Price velocity, percent per second: 6 decimals, since one minimum price
 * step of a large coin over a second is about 0.0001 %/s.
 */
export const VELOCITY_DECIMALS = 6;

/** Powers of ten by exponent, so rounding does not compute one per call. */
const SCALES = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/**
 * `value` rounded to `decimals` places (0–8; halves toward +∞, as
 * `Math.round`).
 */
export function roundTo(value: number, decimals: number): number {
  const scale = SCALES[decimals];
  return Math.round(value * scale) / scale;
}
