import assert from "node:assert/strict";
import {
  DEFAULT_WHALE_THRESHOLDS,
  environmentSchema,
  SECRET_VARIABLES,
} from "./config_schema.ts";
import {
  CHANNEL_ID_PATTERN,
  MAX_CHANNEL_ID_LENGTH,
} from "../market/tracked_symbol.ts";

Deno.test("environmentSchema - parses an empty environment to typed defaults", () => {
  const env = environmentSchema.parse({});
  assert.equal(env.PORT, 8000);
  assert.equal(env.TRUST_PROXY, false);
  assert.equal(env.ALLOW_MISSING_ORIGIN, true);
  assert.equal(env.ALLOWED_ORIGIN_PRIMARY, undefined);
  assert.deepEqual(env.WHALE_THRESHOLDS, {});
  assert.equal(env.KV_PATH, "./data/sentinel.kv");
  assert.equal(env.INGEST_MODE, "ws");
  assert.equal(env.BYBIT_WS_URL, "wss://stream.bybit.com/v5/public/spot");
  assert.equal(env.WS_FALLBACK_AFTER_SECONDS, 5);
  assert.equal(env.WS_SILENCE_TIMEOUT_SECONDS, 30);
});

Deno.test("environmentSchema - issues carry the variable name as their path", () => {
  const parsed = environmentSchema.safeParse({ PORT: "x", SYMBOLS: "a/b" });
  assert.equal(parsed.success, false);
  const paths = parsed.error!.issues.map((i) => i.path[0]).sort();
  assert.deepEqual(paths, ["PORT", "SYMBOLS"]);
});

Deno.test("CHANNEL_ID_PATTERN - letters, digits and dashes only", () => {
  assert.ok(CHANNEL_ID_PATTERN.test("1000SATS-USDT"));
  for (const bad of ["", "BTC_USDT", "BTC/USDT", "../x", "BTC–USDT", "ВТС"]) {
    assert.equal(CHANNEL_ID_PATTERN.test(bad), false, bad);
  }
  assert.equal(MAX_CHANNEL_ID_LENGTH, 32);
});

Deno.test("DEFAULT_WHALE_THRESHOLDS - the original's values for the spot pairs", () => {
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(DEFAULT_WHALE_THRESHOLDS).filter(([id]) =>
        !id.endsWith("-PERP")
      ),
    ),
    {
      "BTC-USDT": 50_000_000,
      "ETH-USDT": 20_000_000,
      "SOL-USDT": 5_000_000,
    },
  );
});

Deno.test("SECRET_VARIABLES - ADMIN_TOKEN is secret", () => {
  assert.ok(SECRET_VARIABLES.has("ADMIN_TOKEN"));
});
