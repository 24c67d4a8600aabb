/**
 * Price-level alerts a trader sets: `POST /api/price-alerts` with a
 * {@linkcode PriceAlertRequest} (admin token), `GET /api/price-alerts`,
 * `DELETE /api/price-alerts/:id`. Each raises one `price_level` alert when the
 * last price crosses its level in its direction, and re-arms after the
 * hysteresis. Persisted and audited like thresholds.
 */

/** Which way the price must cross the level. */
export type PriceAlertDirection = "above" | "below";

/** The body of `POST /api/price-alerts`. */
export interface PriceAlertRequest {
  readonly symbol: string;
  readonly price: number;
  readonly direction: PriceAlertDirection;
}

/** A stored price-level alert. */
export interface PriceAlert extends PriceAlertRequest {
  readonly id: string;
  /** ISO-8601 UTC time it was created. */
  readonly created: string;
  /** False from the moment it fired until the price re-arms it. */
  readonly armed: boolean;
}

/** The answer of `GET /api/price-alerts`. */
export interface PriceAlertsResponse {
  readonly price_alerts: readonly PriceAlert[];
}
