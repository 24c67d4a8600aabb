import assert from "node:assert/strict";
import { effect, signal } from "@preact/signals";
import { alertAge, cellSignals, screenerCells } from "./screener_cells.ts";
import type { ScreenerRow } from "./screener.ts";
import { PENDING, type RowView } from "./screener_fill.ts";
import { screenerRow } from "./test_utils.ts";

/** BTC-USDT with figures of every kind (a rise, a negative velocity). */
function row(fields: Partial<ScreenerRow> = {}): ScreenerRow {
  return screenerRow("BTC-USDT", {
    price: 63_061.66,
    change: 1.234,
    volume: 63_890_000,
    spread: 0.5,
    velocity: -0.00012,
    tier: "ACTIVE",
    ...fields,
  });
}

Deno.test("screenerCells - prints each figure as the table shows it", () => {
  const cells = screenerCells(row());
  assert.equal(cells.price, "63,061.66");
  assert.equal(cells.change, "▲ +1.23%");
  assert.equal(cells.changeClass, "col-change num up");
  assert.equal(cells.turnover, "$63.9M");
  assert.equal(cells.spread, "0.50%");
  assert.equal(cells.velocity, "−0.0001%/s");
  assert.equal(cells.tier, "ACTIVE");
  assert.equal(cells.tierClass, "badge tier-active");
  assert.equal(cells.whale, false);
});

Deno.test("screenerCells - a fall and a flat day colour the change cell", () => {
  assert.equal(screenerCells(row({ change: -0.67 })).change, "▼ −0.67%");
  assert.equal(
    screenerCells(row({ change: -0.67 })).changeClass,
    "col-change num down",
  );
  assert.equal(screenerCells(row({ change: 0 })).change, "■ 0.00%");
  assert.equal(
    screenerCells(row({ change: 0 })).changeClass,
    "col-change num flat",
  );
});

Deno.test("screenerCells - a market that is gone prints blanks", () => {
  const cells = screenerCells(undefined);
  assert.equal(cells.price, "");
  assert.equal(cells.whale, false);
});

Deno.test("alertAge - no alert is a dash; an alert is its age", () => {
  assert.equal(alertAge(null, 10_000), "—");
  assert.equal(alertAge(4_000, 16_000), "12 s ago");
  // A server clock ahead of the client's never shows a negative age.
  assert.equal(alertAge(20_000, 16_000), "0 ms ago");
});

Deno.test("cellSignals - a figure notifies only when its own text changes", () => {
  const source = signal<ScreenerRow | undefined>(row());
  const now = signal(0);
  const cells = cellSignals(source, now);
  const prices: string[] = [];
  const changes: string[] = [];
  const stopPrice = effect(() => void prices.push(cells.price.value));
  const stopChange = effect(() => void changes.push(cells.change.value));
  // A new price with the same change: only the price cell is written.
  source.value = row({ price: 63_070 });
  // A change that prints the same (1.2341 → "+1.23%"): nothing is written.
  source.value = row({ price: 63_070, change: 1.2341 });
  source.value = row({ price: 63_070, change: -1 });
  stopPrice();
  stopChange();
  assert.deepEqual(prices, ["63,061.66", "63,070.00"]);
  assert.deepEqual(changes, ["▲ +1.23%", "▼ −1.00%"]);
});

Deno.test("cellSignals - the alert age follows the clock; presence follows the row", () => {
  const source = signal<ScreenerRow | undefined>(row({ lastAlertAt: 1_000 }));
  const now = signal(3_000);
  const cells = cellSignals(source, now);
  assert.equal(cells.alert.value, "2 s ago");
  now.value = 65_000;
  assert.equal(cells.alert.value, "1 m 04 s ago");
  assert.equal(cells.present.value, true);
  source.value = undefined;
  assert.equal(cells.present.value, false);
  assert.equal(cells.alert.value, "—");
});

Deno.test("cellSignals - while pending the figures keep their text and no badge shows", () => {
  const view = signal<RowView>(row({ is_whale: true }));
  const cells = cellSignals(view, signal(0));
  assert.equal(cells.whale.value, true);
  const price = cells.price.value;
  let notified = 0;
  const stop = effect(() => {
    cells.price.value;
    notified++;
  });
  view.value = PENDING;
  assert.equal(cells.pending.value, true);
  assert.equal(cells.present.value, true);
  assert.equal(
    cells.price.value,
    price,
    "the text stays: hidden, not rewritten",
  );
  assert.equal(cells.whale.value, false, "no badge of the market shown before");
  assert.equal(notified, 1);
  view.value = row({ symbol: "ETH-USDT", price: 3_000 });
  assert.equal(cells.pending.value, false);
  assert.equal(cells.price.value, "3,000.00");
  stop();
});

Deno.test("cellSignals - the shown market changes with the figures, not before", () => {
  const view = signal<RowView>(PENDING);
  const cells = cellSignals(view, signal(0));
  assert.equal(cells.symbol.value, undefined, "nothing filled yet");
  view.value = row();
  assert.equal(cells.symbol.value, "BTC-USDT");
  view.value = PENDING;
  assert.equal(cells.symbol.value, "BTC-USDT", "the old market, hidden");
  view.value = row({ symbol: "ETH-USDT" });
  assert.equal(cells.symbol.value, "ETH-USDT");
});
