/**
 * The body of `PUT /api/thresholds/:symbol`. JSON cannot carry NaN or
 * Infinity, but numbers like 1e400 parse to Infinity: the schema rejects them.
 */
import { z } from "zod";

/** Largest threshold accepted, in USDT (far above any 24 h turnover). */
export const MAX_THRESHOLD = 1e13;

/** `{"threshold": <positive finite number ≤ MAX_THRESHOLD>}`. */
export const thresholdBodySchema = z.object({
  threshold: z.number({ error: "expected a number" })
    .refine(Number.isFinite, { error: "expected a finite number" })
    .refine((n) => n > 0, { error: "expected a positive number" })
    .refine((n) => n <= MAX_THRESHOLD, {
      error: `expected at most ${MAX_THRESHOLD}`,
    }),
}).strict();
