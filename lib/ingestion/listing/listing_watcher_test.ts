import assert from "node:assert/strict";
import { FakeClock } from "../../clock/fake_clock.ts";
import type { MarketListing } from "../bybit/instruments_client.ts";
import { type FetchStep, jsonResponse, ScriptedFetch } from "../test_utils.ts";
import { ListingWatcher } from "./listing_watcher.ts";

function listingBody(category: string, bases: string[]): string {
  return JSON.stringify({
    retCode: 0,
    retMsg: "OK",
    result: {
      category,
      list: bases.map((base) => ({
        symbol: `${base}USDT`,
        baseCoin: base,
        quoteCoin: "USDT",
        status: "Trading",
        contractType: "LinearPerpetual",
      })),
      nextPageCursor: "",
    },
    time: 1,
  });
}

const ok = (bases: string[]): FetchStep => ({
  respond: () => jsonResponse(listingBody("linear", bases)),
});
const down: FetchStep = {
  respond: () => jsonResponse("<html>502</html>", { status: 502 }),
};

function harness(steps: FetchStep[], maxInstruments = 100) {
  const clock = new FakeClock();
  const fetch = new ScriptedFetch(steps);
  const listings: MarketListing[] = [];
  const failures: { message: string; retryInMs: number; refused: boolean }[] =
    [];
  const watcher = new ListingWatcher({
    markets: ["linear"],
    url: "https://api.example.test/v5/market/instruments-info",
    timeoutMs: 1_000,
    maxInstruments,
    refreshMs: 3_600_000,
    fetch: fetch.fetch,
    clock,
    random: () => 0.5,
    onListing: (listing) => listings.push(listing),
    onFailure: (_market, message, retryInMs, refused) =>
      failures.push({ message, retryInMs, refused }),
  });
  return { clock, fetch, listings, failures, watcher };
}

async function settle(clock: FakeClock, ms = 0): Promise<void> {
  clock.advance(ms);
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

Deno.test("ListingWatcher - reads at start, then every refresh interval", async () => {
  const h = harness([ok(["BTC"]), ok(["BTC", "ETH"])]);
  h.watcher.start();
  await settle(h.clock);
  assert.deepEqual(h.listings.map((l) => l.symbols.length), [1]);
  assert.equal(h.watcher.state()[0].status, "loaded");
  await settle(h.clock, 3_599_999);
  assert.equal(h.listings.length, 1);
  await settle(h.clock, 1);
  assert.deepEqual(h.listings[1].symbols.map((s) => s.id), [
    "BTC-USDT-PERP",
    "ETH-USDT-PERP",
  ]);
  await h.watcher.stop();
  assert.deepEqual(h.clock.pending(), []);
});

Deno.test("ListingWatcher - a failing endpoint is retried with backoff, then loads", async () => {
  const h = harness([down, down, ok(["BTC"])]);
  h.watcher.start();
  await settle(h.clock);
  assert.equal(h.failures.length, 1);
  assert.equal(h.failures[0].retryInMs, 500, "half of the 1 s ceiling");
  assert.match(h.failures[0].message, /HTTP 502/);
  assert.equal(h.watcher.state()[0].status, "retrying");
  await settle(h.clock, 500);
  assert.equal(h.failures[1].retryInMs, 1_000);
  await settle(h.clock, 1_000);
  assert.equal(h.listings.length, 1);
  const state = h.watcher.state()[0];
  assert.equal(state.status, "loaded");
  assert.equal(state.consecutiveFailures, 0);
  assert.match(state.lastError ?? "", /HTTP 502/, "kept for operators");
  await h.watcher.stop();
});

Deno.test("ListingWatcher - a listing past the cap is refused and not retried before the next refresh", async () => {
  const h = harness([ok(["A", "B", "C"])], 2);
  h.watcher.start();
  await settle(h.clock);
  assert.equal(h.listings.length, 0);
  assert.deepEqual(h.failures.map((f) => [f.refused, f.retryInMs]), [
    [true, 3_600_000],
  ]);
  assert.match(h.failures[0].message, /more than 2 instruments/);
  assert.equal(h.watcher.state()[0].status, "refused");
  await settle(h.clock, 60_000);
  assert.equal(h.fetch.urls.length, 1);
  await h.watcher.stop();
});
