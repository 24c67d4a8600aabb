import assert from "node:assert/strict";
import {
  DEFAULT_PREFERENCES,
  PREFERENCES_KEY,
  readPreferences,
  writePreferences,
} from "./preferences.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

function storageWith(value: string | null) {
  const data = new Map<string, string>();
  if (value !== null) data.set(PREFERENCES_KEY, value);
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, v: string) => void data.set(key, v),
  };
}

Deno.test("readPreferences - round-trips valid preferences", () => {
  const storage = storageWith(null);
  const saved = {
    symbol: "ETH-USDT",
    chime: true,
    window: "1d",
    style: "line",
    muted: ["BTC-USDT"],
  } as const;
  writePreferences(storage, saved);
  assert.deepEqual(readPreferences(storage, SYMBOLS), saved);
});

Deno.test("readPreferences - entries saved before windows and mutes existed still load", () => {
  assert.deepEqual(
    readPreferences(
      storageWith(
        JSON.stringify({ symbol: "BTC-USDT", chime: true, window: "5m" }),
      ),
      SYMBOLS,
    ),
    {
      symbol: "BTC-USDT",
      chime: true,
      window: "5m",
      style: "candles",
      muted: [],
    },
  );
});

Deno.test("readPreferences - invalid or hostile entries fall back field by field", () => {
  assert.deepEqual(
    readPreferences(storageWith("{not json"), SYMBOLS),
    DEFAULT_PREFERENCES,
  );
  assert.deepEqual(readPreferences(storageWith("[1]"), SYMBOLS), {
    ...DEFAULT_PREFERENCES,
    symbol: undefined,
  });
  assert.deepEqual(
    readPreferences(
      storageWith(
        JSON.stringify({
          symbol: "DOGE-USDT",
          chime: "yes",
          window: "__proto__",
          style: "bars",
          muted: ["DOGE-USDT", 7, "ETH-USDT"],
        }),
      ),
      SYMBOLS,
    ),
    { ...DEFAULT_PREFERENCES, symbol: undefined, muted: ["ETH-USDT"] },
  );
  assert.deepEqual(readPreferences(undefined, SYMBOLS), DEFAULT_PREFERENCES);
});

Deno.test("writePreferences - storage failures are swallowed", () => {
  writePreferences({
    setItem: () => {
      throw new DOMException("full", "QuotaExceededError");
    },
  }, DEFAULT_PREFERENCES);
});
