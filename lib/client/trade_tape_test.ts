import assert from "node:assert/strict";
import type { TapeTrade } from "../protocol/trades.ts";
import { MAX_TAPE_TRADES, TradeTape } from "./trade_tape.ts";

function trade(n: number, overrides: Partial<TapeTrade> = {}): TapeTrade {
  return {
    id: `t${n}`,
    ts: 1_700_000_000_000 + n,
    side: n % 2 ? "Buy" : "Sell",
    price: 100,
    size: 2,
    notional: 200,
    ...overrides,
  };
}

Deno.test("TradeTape - keeps trades per symbol in time order, each id once", () => {
  const tape = new TradeTape();
  tape.add("BTC-USDT", [trade(1), trade(3)]);
  tape.apply([{
    type: "trades",
    symbol: "BTC-USDT",
    trades: [trade(3), trade(2)],
  }]);
  assert.deepEqual(tape.trades("BTC-USDT").map((t) => t.id), [
    "t1",
    "t2",
    "t3",
  ]);
  assert.deepEqual(tape.trades("ETH-USDT"), []);
  assert.equal(tape.version.value, 2);
});

Deno.test("TradeTape - is bounded, newest kept, and skips unusable trades", () => {
  const tape = new TradeTape();
  tape.add(
    "BTC-USDT",
    Array.from({ length: MAX_TAPE_TRADES + 5 }, (_, i) => trade(i)),
  );
  tape.add("BTC-USDT", [trade(1_000, { price: NaN })]);
  const trades = tape.trades("BTC-USDT");
  assert.equal(trades.length, MAX_TAPE_TRADES);
  assert.equal(trades.at(-1)!.id, `t${MAX_TAPE_TRADES + 4}`);
});
