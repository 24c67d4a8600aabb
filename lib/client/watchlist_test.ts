import assert from "node:assert/strict";
import {
  defaultWatchlist,
  MAX_WATCHLIST,
  pageSymbols,
  readWatchlist,
  toggleWatch,
  WATCHLIST_KEY,
  writeWatchlist,
} from "./watchlist.ts";

function memoryStorage(initial?: string) {
  const map = new Map<string, string>();
  if (initial !== undefined) map.set(WATCHLIST_KEY, initial);
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
  };
}

Deno.test("watchlist - the default is the first four tracked pairs", () => {
  assert.deepEqual(
    defaultWatchlist(["A-USDT", "B-USDT", "C-USDT", "D-USDT", "E-USDT"]),
    ["A-USDT", "B-USDT", "C-USDT", "D-USDT"],
  );
  assert.deepEqual(defaultWatchlist(["A-USDT"]), ["A-USDT"]);
});

Deno.test("watchlist - nothing saved, or a broken entry, reads as undefined", () => {
  assert.equal(readWatchlist(undefined), undefined);
  assert.equal(readWatchlist(memoryStorage()), undefined);
  assert.equal(readWatchlist(memoryStorage("{oops")), undefined);
  assert.equal(readWatchlist(memoryStorage('{"a":1}')), undefined);
});

Deno.test("watchlist - entries are validated: ids only, upper case, once, at most 12", () => {
  const many = Array.from({ length: 20 }, (_, i) => `C${i}-USDT`);
  const stored = JSON.stringify([
    "btc-usdt",
    "BTC-USDT",
    "<script>",
    42,
    "ETH-USDT-PERP",
    ...many,
  ]);
  const read = readWatchlist(memoryStorage(stored))!;
  assert.equal(read.length, MAX_WATCHLIST);
  assert.deepEqual(read.slice(0, 3), ["BTC-USDT", "ETH-USDT-PERP", "C0-USDT"]);
  assert.deepEqual(
    readWatchlist(memoryStorage("[]")),
    [],
    "an empty list is a choice",
  );
});

Deno.test("watchlist - written and read back; storage errors are ignored", () => {
  const storage = memoryStorage();
  writeWatchlist(storage, ["SOL-USDT", "BTC-USDT-PERP"]);
  assert.deepEqual(readWatchlist(storage), ["SOL-USDT", "BTC-USDT-PERP"]);
  writeWatchlist({
    setItem: () => {
      throw new Error("quota");
    },
  }, ["A-USDT"]);
});

Deno.test("watchlist - toggling adds at the end, removes, and never passes the cap", () => {
  assert.deepEqual(toggleWatch(["A-USDT"], "B-USDT"), ["A-USDT", "B-USDT"]);
  assert.deepEqual(toggleWatch(["A-USDT", "B-USDT"], "A-USDT"), ["B-USDT"]);
  const full = Array.from({ length: MAX_WATCHLIST }, (_, i) => `C${i}-USDT`);
  assert.deepEqual(toggleWatch(full, "X-USDT"), full);
  assert.deepEqual(toggleWatch(full, "C0-USDT").length, MAX_WATCHLIST - 1);
});

Deno.test("watchlist - a page streams the watchlist and the selected pair", () => {
  assert.deepEqual(pageSymbols(["A-USDT", "B-USDT"], "B-USDT"), [
    "A-USDT",
    "B-USDT",
  ]);
  assert.deepEqual(pageSymbols(["A-USDT"], "Z-USDT-PERP"), [
    "A-USDT",
    "Z-USDT-PERP",
  ]);
});
