/**
 * Why a price-alert command was refused, as domain errors the routes map to
 * HTTP answers (unknown id → 404, over a limit → 409), so the ledger and the
 * service never speak HTTP.
 */

/** No price alert has this id. */
export class PriceAlertNotFoundError extends Error {
  readonly id: string;

  /** `id` is the one asked for. */
  constructor(id: string) {
    super(`No price alert has the id ${JSON.stringify(id.slice(0, 64))}`);
    this.name = "PriceAlertNotFoundError";
    this.id = id;
  }
}

/** Creating the alert would pass the bound per symbol or in total. */
export class PriceAlertLimitError extends Error {
  readonly limit: number;

  /** `scope` names the bound that was reached, `limit` its size. */
  constructor(scope: string, limit: number) {
    super(
      `At most ${limit} price alerts ${scope}; delete one before adding another`,
    );
    this.name = "PriceAlertLimitError";
    this.limit = limit;
  }
}
