import assert from "node:assert/strict";
import {
  fetchListing,
  ListingTooLargeError,
  MAX_LISTING_PAGES,
} from "./instruments_client.ts";
import { followedSymbol, parseInstrumentsPage } from "./instruments_schema.ts";
import { jsonResponse, ScriptedFetch } from "../test_utils.ts";
import { UpstreamError } from "./upstream_error.ts";

const URL_ = "https://api.example.test/v5/market/instruments-info";

/** A linear item shaped as Bybit documents it. */
function linearItem(symbol: string, overrides: Record<string, unknown> = {}) {
  return {
    symbol,
    contractType: "LinearPerpetual",
    status: "Trading",
    baseCoin: symbol.replace(/USDT$/, ""),
    quoteCoin: "USDT",
    launchTime: "1585526400000",
    deliveryTime: "0",
    priceScale: "2",
    priceFilter: { minPrice: "0.10", maxPrice: "199999.80", tickSize: "0.10" },
    fundingInterval: 480,
    settleCoin: "USDT",
    ...overrides,
  };
}

function page(category: string, list: unknown[], nextPageCursor?: string) {
  return JSON.stringify({
    retCode: 0,
    retMsg: "OK",
    result: { category, list, nextPageCursor },
    retExtInfo: {},
    time: 1672712468011,
  });
}

Deno.test("parseInstrumentsPage - keeps valid items, counts bad ones, reads the cursor", () => {
  const parsed = parseInstrumentsPage(
    JSON.parse(page("linear", [linearItem("BTCUSDT"), { symbol: 5 }], "c2")),
    "linear",
  );
  assert.equal(parsed.instruments.length, 1);
  assert.equal(parsed.rejected, 1);
  assert.equal(parsed.nextCursor, "c2");
  assert.equal(
    parseInstrumentsPage(JSON.parse(page("linear", [], "")), "linear")
      .nextCursor,
    null,
  );
  assert.throws(
    () => parseInstrumentsPage(JSON.parse(page("spot", [])), "linear"),
    /category is spot/,
  );
});

Deno.test("followedSymbol - trading USDT perpetuals and spot pairs, named by their coins", () => {
  const ok = parseInstrumentsPage(
    JSON.parse(page("linear", [
      linearItem("BTCUSDT"),
      linearItem("1000PEPEUSDT", { baseCoin: "1000PEPE" }),
      linearItem("ETHUSDT", { status: "PreLaunch" }),
      linearItem("BTCPERP", { quoteCoin: "USDC", baseCoin: "BTC" }),
      linearItem("BTC-27DEC24", { contractType: "LinearFutures" }),
    ])),
    "linear",
  );
  assert.deepEqual(
    ok.instruments.map((i) => followedSymbol(i, "linear")),
    [
      { id: "BTC-USDT-PERP", upstream: "BTCUSDT", category: "linear" },
      {
        id: "1000PEPE-USDT-PERP",
        upstream: "1000PEPEUSDT",
        category: "linear",
      },
      undefined,
      undefined,
      undefined,
    ],
  );
  assert.deepEqual(
    followedSymbol({
      symbol: "SOLUSDT",
      baseCoin: "SOL",
      quoteCoin: "USDT",
      status: "Trading",
    }, "spot"),
    { id: "SOL-USDT", upstream: "SOLUSDT", category: "spot" },
  );
});

Deno.test("fetchListing - follows nextPageCursor to the last page", async () => {
  const fetch = new ScriptedFetch([
    {
      respond: () =>
        jsonResponse(page("linear", [linearItem("BTCUSDT")], "p2")),
    },
    {
      respond: () =>
        jsonResponse(page("linear", [linearItem("ETHUSDT")], "p3")),
    },
    {
      respond: () => jsonResponse(page("linear", [linearItem("SOLUSDT")], "")),
    },
  ]);
  const listing = await fetchListing("linear", {
    url: URL_,
    timeoutMs: 1_000,
    maxInstruments: 100,
    fetch: fetch.fetch,
  });
  assert.deepEqual(listing.symbols.map((s) => s.id), [
    "BTC-USDT-PERP",
    "ETH-USDT-PERP",
    "SOL-USDT-PERP",
  ]);
  assert.equal(listing.pages, 3);
  assert.equal(listing.instruments, 3);
  const cursors = fetch.urls.map((u) => new URL(u).searchParams.get("cursor"));
  assert.deepEqual(cursors, [null, "p2", "p3"]);
  assert.equal(new URL(fetch.urls[0]).searchParams.get("category"), "linear");
});

Deno.test("fetchListing - refuses a listing past the cap", async () => {
  const many = Array.from({ length: 30 }, (_, i) => linearItem(`S${i}USDT`));
  const fetch = new ScriptedFetch([
    { respond: () => jsonResponse(page("linear", many, "next")) },
  ]);
  const error = await fetchListing("linear", {
    url: URL_,
    timeoutMs: 1_000,
    maxInstruments: 25,
    fetch: fetch.fetch,
  }).catch((e) => e);
  assert.ok(error instanceof ListingTooLargeError);
  assert.match(error.message, /more than 25 instruments \(read 30\); refused/);
  assert.equal(fetch.urls.length, 1, "stopped at the page that passed it");
});

Deno.test("fetchListing - a repeating cursor or endless pages end the read", async () => {
  const loop = new ScriptedFetch([
    { respond: () => jsonResponse(page("linear", [], "same")) },
  ]);
  await assert.rejects(
    fetchListing("linear", {
      url: URL_,
      timeoutMs: 1_000,
      maxInstruments: 100,
      fetch: loop.fetch,
    }),
    (e) =>
      e instanceof UpstreamError && /repeated a page cursor/.test(e.message),
  );
  let n = 0;
  const endless = new ScriptedFetch([
    { respond: () => jsonResponse(page("linear", [], `c${n++}`)) },
  ]);
  await assert.rejects(
    fetchListing("linear", {
      url: URL_,
      timeoutMs: 1_000,
      maxInstruments: 100,
      fetch: endless.fetch,
    }),
    /more than 200 pages/,
  );
  assert.equal(endless.urls.length, MAX_LISTING_PAGES);
});

Deno.test("fetchListing - an error envelope is an UpstreamError with its code", async () => {
  const fetch = new ScriptedFetch([{
    respond: () =>
      jsonResponse(
        JSON.stringify({ retCode: 10001, retMsg: "params error", result: {} }),
      ),
  }]);
  const error = await fetchListing("spot", {
    url: URL_,
    timeoutMs: 1_000,
    maxInstruments: 100,
    fetch: fetch.fetch,
  }).catch((e) => e);
  assert.ok(error instanceof UpstreamError);
  assert.equal(error.kind, "ret-code");
  assert.equal(error.retCode, 10001);
});
