/**
 * The body of `POST /api/price-alerts`: `{"symbol", "price", "direction"}`,
 * validated like a threshold change — a tracked symbol (any case, answered
 * canonical), a positive finite price, `above` or `below`, nothing else.
 */
import { z } from "zod";
import type { PriceAlertRequest } from "../protocol/price_alerts.ts";
import type { SymbolTable } from "./symbol_policy.ts";

/** Highest level accepted, in USDT (far above any traded price). */
export const MAX_ALERT_PRICE = 1e12;

/** The schema for `table`'s symbols; it yields a {@linkcode PriceAlertRequest}. */
export function priceAlertBodySchema(
  table: SymbolTable,
): z.ZodType<PriceAlertRequest> {
  const tracked = [...table.values()].join(", ");
  return z.object({
    symbol: z.string({ error: "expected a tracked symbol" }).transform(
      (raw, ctx) => {
        const id = table.get(raw.toUpperCase());
        if (id !== undefined) return id;
        ctx.addIssue({
          code: "custom",
          message: `expected a tracked symbol (${tracked})`,
        });
        return z.NEVER;
      },
    ),
    price: z.number({ error: "expected a number" })
      .refine(Number.isFinite, { error: "expected a finite number" })
      .refine((n) => n > 0, { error: "expected a positive number" })
      .refine((n) => n <= MAX_ALERT_PRICE, {
        error: `expected at most ${MAX_ALERT_PRICE}`,
      }),
    direction: z.enum(["above", "below"], {
      error: "expected above or below",
    }),
  }).strict() as z.ZodType<PriceAlertRequest>;
}
