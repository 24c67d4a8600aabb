import assert from "node:assert/strict";
import { FlashThrottle } from "./price_flash.ts";

Deno.test("FlashThrottle - at most one flash per half second, at 20 ticks a second", () => {
  const flash = new FlashThrottle();
  let flashes = 0;
  for (let i = 0; i <= 200; i++) {
    // Alternating up and down every tick, for 10 s.
    if (flash.next("BTC", 100 + (i % 2), i * 50)) flashes++;
  }
  assert.ok(flashes <= 20, `${flashes} flashes in 10 s`);
  assert.ok(flashes >= 15, `${flashes} flashes in 10 s`);
});

Deno.test("FlashThrottle - flashes the net move since the last flash; none for no move", () => {
  const flash = new FlashThrottle();
  assert.equal(
    flash.next("BTC", 100, 0),
    null,
    "first price: nothing to compare",
  );
  assert.equal(flash.next("BTC", 101, 1_000), "up");
  assert.equal(flash.next("BTC", 90, 1_100), null, "too soon");
  assert.equal(flash.next("BTC", 100, 1_600), "down", "net move since 101");
  assert.equal(flash.next("BTC", 100, 2_500), null);
  assert.equal(flash.next("ETH", 5, 3_000), null, "a new pair starts fresh");
});
