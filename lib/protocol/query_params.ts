/**
 * The grammar every query string of the API shares, in one place: times in
 * epoch milliseconds or ISO-8601 with an explicit zone (`Z` or `±hh:mm`; a
 * date-time without a zone would mean the server's local time, which nobody
 * can see; an unencoded `+` in an offset arrives as a space and is read as
 * `+`), bounded integer limits, and one reader that refuses unknown or
 * repeated parameters, so a typo gets an answer instead of a silently
 * unfiltered result. Each endpoint's parser (`alerts/alert_query.ts`,
 * `candles/candle_query.ts`) builds on these and throws its own domain error.
 */
import { z } from "zod";

const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** A time parameter: epoch ms or ISO-8601 with a zone, to epoch ms. */
export const timeParam = z.string().transform((raw, ctx) => {
  const text = raw.replace(/ (\d{2}:\d{2})$/, "+$1");
  const ms = /^\d{1,15}$/.test(text)
    ? Number(text)
    : ISO_TIME.test(text)
    ? Date.parse(text)
    : NaN;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({
      code: "custom",
      message:
        "expected epoch milliseconds or an ISO-8601 time with a zone, e.g. 2024-01-02T03:04:05Z",
    });
    return z.NEVER;
  }
  return ms;
});

/** An integer parameter from 1 to `max`. */
export const limitParam = (max: number) =>
  z.string().regex(/^\d{1,7}$/, {
    error: `expected an integer from 1 to ${max}`,
  })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, {
      error: `expected an integer from 1 to ${max}`,
    });

/**
 * Refuses a repeated parameter, then validates `params` with `schema` (a
 * strict object of string fields); each refusal is `refuse(message)` thrown,
 * the message naming the parameter and the rule. Names are collected into a
 * `Set` and the object built with `Object.fromEntries`, so a name such as
 * `__proto__` or `constructor` is an own key the strict schema reports as
 * unknown, never something found on the prototype chain.
 */
export function readQuery<T extends z.ZodType>(
  schema: T,
  params: URLSearchParams,
  refuse: (message: string) => Error,
): z.infer<T> {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) {
      throw refuse(`${name}: give each parameter at most once`);
    }
    seen.add(name);
  }
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    throw refuse(
      parsed.error.issues.map((issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown parameter ${issue.keys.join(", ")}`
          : `${issue.path.join(".") || "query"}: ${issue.message}`
      ).join("; "),
    );
  }
  return parsed.data;
}
