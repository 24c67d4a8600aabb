/**
 * Builders for one environment variable each: they turn the variable's string
 * into a typed, range-checked value (or a zod issue that names the expected
 * form) and apply its default. `config_schema.ts` composes them into the
 * schema of the whole environment.
 */
import { z } from "zod";
import { parseIpRange } from "../protocol/ip_address.ts";
import { checkRedisUrl } from "./redis_url.ts";
import {
  categoryOfId,
  CHANNEL_ID_PATTERN,
  MARKET_CATEGORIES,
  type MarketCategory,
  PERP_SUFFIX,
  type TrackedSymbol,
} from "../market/tracked_symbol.ts";

/** Treats an empty or blank variable as unset, so its default applies. */
export const emptyAsUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** A finite number above 0; `expected` words the error. */
export const positiveNumber = (fallback: number, expected: string) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: `expected ${expected}` })
      .refine(Number.isFinite, { error: `expected ${expected}` })
      .refine((n) => n > 0, { error: `expected ${expected}` })
      .default(fallback),
  );

/** A finite number of 0 or more; `expected` words the error. */
export const nonNegativeNumber = (fallback: number, expected: string) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: `expected ${expected}` })
      .refine(Number.isFinite, { error: `expected ${expected}` })
      .refine((n) => n >= 0, { error: `expected ${expected}` })
      .default(fallback),
  );

/** A percentage from 0 up to (not including) 100. */
export const percentBelow100 = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: "expected a percentage from 0 up to 100" })
      .refine((n) => Number.isFinite(n) && n >= 0 && n < 100, {
        error: "expected a percentage from 0 up to 100",
      })
      .default(fallback),
  );

/**
 * A finite number above `min` (or from `min`, with `minInclusive`) up to
 * `max`; the error names the range.
 */
export const numberInRange = (
  fallback: number,
  range: {
    readonly min: number;
    readonly max: number;
    readonly minInclusive?: boolean;
  },
) => {
  const { min, max, minInclusive = false } = range;
  const expected = minInclusive
    ? `expected a number from ${min} to ${max}`
    : `expected a number above ${min} and at most ${max}`;
  return z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: expected })
      .refine(
        (n) =>
          Number.isFinite(n) && (minInclusive ? n >= min : n > min) &&
          n <= max,
        { error: expected },
      )
      .default(fallback),
  );
};

/** An integer from 1 to `max`. */
export const positiveInteger = (fallback: number, max: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: `expected an integer from 1 to ${max}` })
      .int({ error: `expected an integer from 1 to ${max}` })
      .min(1, { error: `expected an integer from 1 to ${max}` })
      .max(max, { error: `expected an integer from 1 to ${max}` })
      .default(fallback),
  );

/** `true`/`false` (or `1`/`0`). */
export const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z.enum(["true", "false", "1", "0"], {
      error: "expected true or false",
    }).transform((v) => v === "true" || v === "1").default(fallback),
  );

/** One of `values` (any case), `fallback` when unset or empty. */
export const oneOf = <T extends string>(
  values: readonly [T, ...T[]],
  fallback: T,
) =>
  z.preprocess(
    (v) => typeof v === "string" ? emptyAsUndefined(v.toLowerCase()) : v,
    z.enum(values, { error: `expected one of ${values.join(", ")}` })
      .default(fallback),
  );

/**
 * A URL whose scheme is one of `protocols` (e.g. `["http:", "https:"]`);
 * `expected` names them in the error.
 */
export const urlWithScheme = (
  fallback: string,
  protocols: readonly string[],
  expected: string,
) =>
  z.preprocess(
    emptyAsUndefined,
    z.string().default(fallback).refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, { error: `expected ${expected}` }),
  );

/**
 * An exact browser origin: scheme, host and optional port, nothing else.
 * Anything with a path, query, credentials or trailing junk is rejected so an
 * allowlist entry can only ever match by string equality.
 */
export const exactOrigin = z.preprocess(
  emptyAsUndefined,
  z.string().refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") &&
        url.origin === value;
    } catch {
      return false;
    }
  }, {
    error:
      "expected an exact origin like https://example.com (scheme://host[:port], no path or trailing slash)",
  }).optional(),
);

const symbolEntry = /^([A-Za-z0-9-]{1,32})(?:=([A-Za-z0-9]{1,32}))?$/;

/** `SYMBOLS=all`: follow every listed instrument of the configured markets. */
export const ALL_SYMBOLS = "all";

/**
 * `SYMBOLS`: `all` (every instrument of the configured markets that trades
 * against USDT, read from the exchange's listing), or comma-separated
 * channel ids, each optionally `ID=UPSTREAM` when the exchange's name is not
 * simply the id without dashes (multiplied names such as `10000SATSUSDT`
 * exist). An id ending in `-PERP` is a USDT perpetual (`linear`), any other a
 * spot pair. Unset: undefined, and the defaults of the markets apply.
 */
export const symbolList = z.preprocess(
  emptyAsUndefined,
  z.string().optional().transform(
    (raw, ctx): TrackedSymbol[] | typeof ALL_SYMBOLS | undefined => {
      if (raw === undefined) return undefined;
      if (raw.trim().toLowerCase() === ALL_SYMBOLS) return ALL_SYMBOLS;
      const entries = raw.split(",").map((s) => s.trim()).filter(Boolean);
      const symbols: TrackedSymbol[] = [];
      for (const entry of entries) {
        const match = symbolEntry.exec(entry);
        if (!match) {
          ctx.addIssue({
            code: "custom",
            message: `entry ${
              JSON.stringify(entry)
            } is not ID or ID=UPSTREAM (letters, digits, dashes; at most 32), or all`,
          });
          return z.NEVER;
        }
        const id = match[1].toUpperCase();
        if (symbols.some((s) => s.id === id)) {
          ctx.addIssue({ code: "custom", message: `duplicate symbol ${id}` });
          return z.NEVER;
        }
        const category = categoryOfId(id);
        const bare = category === "linear"
          ? id.slice(0, -PERP_SUFFIX.length)
          : id;
        symbols.push({
          id,
          upstream: (match[2] ?? bare.replaceAll("-", "")).toUpperCase(),
          category,
        });
      }
      if (symbols.length === 0) {
        ctx.addIssue({
          code: "custom",
          message: "expected at least one symbol, or all",
        });
        return z.NEVER;
      }
      return symbols;
    },
  ),
);

/**
 * `MARKETS`: which Bybit markets to follow, `spot` (default), `linear` (USDT
 * perpetuals) or both, comma-separated.
 */
export const marketList = z.preprocess(
  emptyAsUndefined,
  z.string().default("spot").transform((raw, ctx): MarketCategory[] => {
    const names = raw.split(",").map((s) => s.trim().toLowerCase()).filter(
      Boolean,
    );
    const known = new Set<string>(MARKET_CATEGORIES);
    const markets: MarketCategory[] = [];
    for (const name of names) {
      if (!known.has(name)) {
        ctx.addIssue({
          code: "custom",
          message: `unknown market ${
            JSON.stringify(name.slice(0, 32))
          }; expected spot, linear or spot,linear`,
        });
        return z.NEVER;
      }
      if (!markets.includes(name as MarketCategory)) {
        markets.push(name as MarketCategory);
      }
    }
    if (markets.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: "expected spot, linear or spot,linear",
      });
      return z.NEVER;
    }
    return MARKET_CATEGORIES.filter((m) => markets.includes(m));
  }),
);

/**
 * `WHALE_THRESHOLDS`, `TRADE_THRESHOLDS`, `SPIKE_THRESHOLDS`,
 * `LIQUIDATION_THRESHOLDS`: `ID=USDT` pairs,
 * comma-separated; they override the built-in defaults for the named symbols
 * only.
 */
export const thresholdMap = z.preprocess(
  emptyAsUndefined,
  z.string().default("").transform((raw, ctx): Record<string, number> => {
    const map: Record<string, number> = {};
    for (const entry of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
      const [id, value, ...rest] = entry.split("=");
      const amount = Number(value);
      if (
        rest.length > 0 || !id || !CHANNEL_ID_PATTERN.test(id) ||
        value === undefined || value.trim() === "" ||
        !Number.isFinite(amount) || amount <= 0
      ) {
        ctx.addIssue({
          code: "custom",
          message: `entry ${
            JSON.stringify(entry)
          } is not ID=AMOUNT with a positive finite amount`,
        });
        return z.NEVER;
      }
      map[id.toUpperCase()] = amount;
    }
    return map;
  }),
);

/**
 * A Redis URL (`redis://` or `rediss://`, optional user and password); the
 * problem never quotes the value, which may hold a password.
 */
export const redisUrl = z.preprocess(
  emptyAsUndefined,
  z.string().superRefine((value, ctx) => {
    const check = checkRedisUrl(value);
    if (!check.ok) ctx.addIssue({ code: "custom", message: check.problem });
  }).optional(),
);

/** A TCP port from 0 (any free one) to 65535, optional. */
export const optionalPort = z.preprocess(
  emptyAsUndefined,
  z.coerce.number({ error: "expected a port from 0 to 65535" }).int({
    error: "expected a port from 0 to 65535",
  }).min(0, { error: "expected a port from 0 to 65535" }).max(65535, {
    error: "expected a port from 0 to 65535",
  }).optional(),
);

/**
 * `TRUSTED_PROXIES`: comma-separated IP addresses and CIDR ranges, IPv4
 * (`10.0.0.0/8`) or IPv6 (`fd00::/8`); empty when unset.
 */
export const ipRangeList = z.preprocess(
  emptyAsUndefined,
  z.string().default("").transform((raw, ctx): string[] => {
    const entries = raw.split(",").map((s) => s.trim()).filter(Boolean);
    for (const entry of entries) {
      if (parseIpRange(entry) !== undefined) continue;
      ctx.addIssue({
        code: "custom",
        message: `entry ${
          JSON.stringify(entry)
        } is not an IP address or CIDR range (a.b.c.d[/n] or an IPv6 address[/n])`,
      });
      return z.NEVER;
    }
    return entries;
  }),
);
