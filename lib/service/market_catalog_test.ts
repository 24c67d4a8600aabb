import assert from "node:assert/strict";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import {
  type CatalogParts,
  configuredLines,
  diffListing,
  MarketCatalog,
} from "./market_catalog.ts";

const spot = (id: string): TrackedSymbol => ({
  id,
  upstream: id.replaceAll("-", ""),
  category: "spot",
});
const perp = (base: string): TrackedSymbol => ({
  id: `${base}-USDT-PERP`,
  upstream: `${base}USDT`,
  category: "linear",
});

const LINES = {
  lines: {
    whale: { bySymbol: { "BTC-USDT-PERP": 9 }, fallback: 1 },
    trade: { bySymbol: {}, fallback: 2 },
    spike: { bySymbol: {}, fallback: 3 },
    liquidation: { bySymbol: {}, fallback: 4 },
  },
};

Deno.test("diffListing - keeps order, adds new listings, removes delisted, leaves other markets", () => {
  const current = [
    spot("BTC-USDT"),
    perp("BTC"),
    spot("ETH-USDT"),
    perp("ETH"),
  ];
  const change = diffListing(current, "linear", [perp("SOL"), perp("ETH")]);
  assert.deepEqual(change.added.map((s) => s.id), ["SOL-USDT-PERP"]);
  assert.deepEqual(change.removed.map((s) => s.id), ["BTC-USDT-PERP"]);
  assert.deepEqual(change.next.map((s) => s.id), [
    "BTC-USDT",
    "ETH-USDT",
    "ETH-USDT-PERP",
    "SOL-USDT-PERP",
  ]);
  const same = diffListing(change.next, "linear", [perp("ETH"), perp("SOL")]);
  assert.deepEqual([same.added, same.removed], [[], []]);
});

Deno.test("configuredLines - a liquidation line for perpetuals only", () => {
  assert.deepEqual(configuredLines(LINES, perp("BTC")), {
    whale: 9,
    trade: 2,
    spike: 3,
    liquidation: 4,
  });
  assert.deepEqual(configuredLines(LINES, spot("BTC-USDT")), {
    whale: 1,
    trade: 2,
    spike: 3,
  });
});

Deno.test("MarketCatalog - a listing change reaches every part once, and nothing else moves", () => {
  const calls: string[] = [];
  const parts: CatalogParts = {
    hub: {
      addSymbols: (ids) => calls.push(`hub+ ${ids}`),
      removeSymbols: (ids) => calls.push(`hub- ${ids}`),
    },
    candles: {
      track: (symbols) =>
        calls.push(`candles+ ${symbols.map((s) => s.upstream)}`),
      untrack: (ids) => calls.push(`candles- ${ids}`),
    },
    alerts: {
      track: (id, t) => calls.push(`alerts+ ${id} ${t.liquidation}`),
      untrack: (id) => calls.push(`alerts- ${id}`),
    },
    thresholds: {
      track: (id, defaults) => {
        calls.push(`thresholds+ ${id}`);
        return defaults;
      },
      untrack: (id) => calls.push(`thresholds- ${id}`),
    },
    ingestion: {
      setSymbols: (symbols, thresholds) =>
        calls.push(
          `ingestion ${symbols.map((s) => s.id)} ${JSON.stringify(thresholds)}`,
        ),
    },
    whaleLine: () => 5,
    config: LINES,
  };
  const catalog = new MarketCatalog([spot("BTC-USDT"), perp("BTC")]);
  const change = catalog.apply("linear", [perp("ETH")], parts, 1_000);
  assert.deepEqual(change.added.map((s) => s.id), ["ETH-USDT-PERP"]);
  assert.deepEqual(calls, [
    "alerts- BTC-USDT-PERP",
    "thresholds- BTC-USDT-PERP",
    "hub- BTC-USDT-PERP",
    "candles- BTC-USDT-PERP",
    "thresholds+ ETH-USDT-PERP",
    "alerts+ ETH-USDT-PERP 4",
    "hub+ ETH-USDT-PERP",
    "candles+ ETHUSDT",
    'ingestion BTC-USDT,ETH-USDT-PERP {"BTC-USDT":5,"ETH-USDT-PERP":5}',
  ]);
  assert.equal(catalog.table.get("ETH-USDT-PERP"), "ETH-USDT-PERP");
  assert.equal(catalog.table.get("BTC-USDT-PERP"), undefined);
  assert.deepEqual(catalog.delistings(), [
    { symbol: "BTC-USDT-PERP", at: 1_000 },
  ]);
  calls.length = 0;
  catalog.apply("linear", [perp("ETH")], parts, 2_000);
  assert.deepEqual(calls, [], "an unchanged listing changes nothing");
});
