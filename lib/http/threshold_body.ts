/**
 * The body of `PUT /api/thresholds/:symbol`: any of `threshold` (the whale
 * line, the original request), `trade_threshold`, `spike_threshold` and
 * `liquidation_threshold` (perpetuals), at least one. JSON cannot carry NaN or Infinity, but numbers like 1e400 parse
 * to Infinity: the schema rejects them.
 */
import { z } from "zod";

/** Largest threshold accepted, in USDT (far above any 24 h turnover). */
export const MAX_THRESHOLD = 1e13;

const amount = z.number({ error: "expected a number" })
  .refine(Number.isFinite, { error: "expected a finite number" })
  .refine((n) => n > 0, { error: "expected a positive number" })
  .refine((n) => n <= MAX_THRESHOLD, {
    error: `expected at most ${MAX_THRESHOLD}`,
  });

/**
 * `{"threshold"?, "trade_threshold"?, "spike_threshold"?,
 * "liquidation_threshold"?}`, each a positive finite number ≤ MAX_THRESHOLD,
 * at least one present, nothing else.
 */
export const thresholdBodySchema = z.object({
  threshold: amount.optional(),
  trade_threshold: amount.optional(),
  spike_threshold: amount.optional(),
  liquidation_threshold: amount.optional(),
}).strict().refine(
  (body) =>
    body.threshold !== undefined || body.trade_threshold !== undefined ||
    body.spike_threshold !== undefined ||
    body.liquidation_threshold !== undefined,
  {
    error:
      "expected at least one of threshold, trade_threshold, spike_threshold, liquidation_threshold",
  },
);
