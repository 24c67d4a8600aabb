import assert from "node:assert/strict";
import type { MarketFrame } from "../../lib/protocol/frames.ts";
import { countItems } from "./market_load.ts";

const item = (symbol: string) => ({
  symbol,
  price: 1.5,
  change: -0.2,
  volume: 1_000,
  spread: 3.1,
  velocity: 0,
  tier: "STABLE" as const,
  is_whale: false,
});

Deno.test("countItems - counts a market frame's items as the server encodes it, not its removed symbols", () => {
  const frame: MarketFrame = {
    type: "market",
    ts: 1,
    items: ["BTC-USDT", "ETH-USDT-PERP", "SOL-USDT"].map(item),
    removed: ["OLD-USDT"],
  };
  const text = JSON.stringify(frame);
  assert.equal(countItems(text), 3);
  assert.equal(countItems(text), JSON.parse(text).items.length);
  assert.equal(countItems(JSON.stringify({ ...frame, items: [] })), 0);
});
