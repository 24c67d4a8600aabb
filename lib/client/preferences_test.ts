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
  writePreferences(storage, { symbol: "ETH-USDT", chime: true, window: "15m" });
  assert.deepEqual(readPreferences(storage, SYMBOLS), {
    symbol: "ETH-USDT",
    chime: true,
    window: "15m",
  });
});

Deno.test("readPreferences - invalid or hostile entries fall back field by field", () => {
  assert.deepEqual(
    readPreferences(storageWith("{not json"), SYMBOLS),
    DEFAULT_PREFERENCES,
  );
  assert.deepEqual(readPreferences(storageWith("[1]"), SYMBOLS), {
    symbol: undefined,
    chime: false,
    window: "5m",
  });
  assert.deepEqual(
    readPreferences(
      storageWith(
        JSON.stringify({
          symbol: "DOGE-USDT",
          chime: "yes",
          window: "__proto__",
        }),
      ),
      SYMBOLS,
    ),
    { symbol: undefined, chime: false, window: "5m" },
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
