import assert from "node:assert/strict";
import { linearTickerItemSchema, toMarketTick } from "./bybit_schema.ts";
import { parseWsFrame, topicTable } from "./bybit_ws_schema.ts";
import { TickerBook, type TickerFields } from "./ticker_book.ts";
import { DOC_LINEAR_DELTA, DOC_LINEAR_SNAPSHOT } from "../test_utils.ts";

const PERP = [{
  id: "BTC-USDT-PERP",
  upstream: "BTCUSDT",
  category: "linear",
}] as const;
const routes = topicTable(PERP);

function update(text: string) {
  const frame = parseWsFrame(text, routes);
  if (frame.kind !== "ticker-update") throw new Error(`got ${frame.kind}`);
  return frame;
}

/** Merges one push through the book and validates it, as the feed does. */
function apply(book: TickerBook, text: string) {
  const push = update(text);
  const merged = book.merge(push.id, push.type, push.data);
  if (merged === undefined) return undefined;
  const item = linearTickerItemSchema.parse(merged);
  book.keep(push.id, merged);
  return toMarketTick(item, push.id, push.ts);
}

Deno.test("parseWsFrame - a linear ticker push is an update to merge, keyed by the perpetual", () => {
  const frame = update(DOC_LINEAR_SNAPSHOT);
  assert.equal(frame.id, "BTC-USDT-PERP");
  assert.equal(frame.type, "snapshot");
  assert.equal(frame.ts, 1673272861686);
  assert.equal(update(DOC_LINEAR_DELTA).type, "delta");
  const wrong = parseWsFrame(
    DOC_LINEAR_DELTA.replace('"symbol":"BTCUSDT"', '"symbol":"ETHUSDT"'),
    routes,
  );
  assert.equal(wrong.kind, "invalid");
});

Deno.test("TickerBook - the documented snapshot maps every contract field", () => {
  const tick = apply(new TickerBook(), DOC_LINEAR_SNAPSHOT);
  assert.deepEqual(tick, {
    symbol: "BTC-USDT-PERP",
    price: 17216,
    high: 17281.5,
    low: 16915,
    volume: 1570383121.943499,
    change: 1.7103,
    baseVolume: 91705.276,
    bid: 17215.5,
    ask: 17216,
    markPrice: 17217.33,
    indexPrice: 17227.36,
    openInterest: 68744.761,
    openInterestValue: 1183601235.91,
    fundingRate: -0.000212,
    nextFundingTime: 1673280000000,
    upstreamTs: 1673272861686,
  });
});

Deno.test("TickerBook - a delta changes only the fields it carries", () => {
  const book = new TickerBook();
  apply(book, DOC_LINEAR_SNAPSHOT);
  const tick = apply(book, DOC_LINEAR_DELTA)!;
  assert.equal(tick.price, 17211.5);
  assert.equal(tick.markPrice, 17214.02);
  assert.equal(tick.openInterest, 68745.101);
  assert.equal(tick.bid, 17211);
  // Unchanged fields come from the snapshot.
  assert.equal(tick.high, 17281.5);
  assert.equal(tick.indexPrice, 17227.36);
  assert.equal(tick.fundingRate, -0.000212);
  assert.equal(tick.ask, 17216);
  assert.equal(tick.volume, 1570383121.943499);
  assert.equal(tick.upstreamTs, 1673272861786);
  // Deltas accumulate: a second one keeps the first one's changes.
  const second = apply(
    book,
    DOC_LINEAR_DELTA.replace(
      '"lastPrice":"17211.50","markPrice":"17214.02",',
      "",
    ).replace('"openInterest":"68745.101"', '"openInterest":"68750"'),
  )!;
  assert.equal(second.price, 17211.5);
  assert.equal(second.markPrice, 17214.02);
  assert.equal(second.openInterest, 68750);
});

Deno.test("TickerBook - a new snapshot replaces the merged ticker", () => {
  const book = new TickerBook();
  apply(book, DOC_LINEAR_SNAPSHOT);
  apply(book, DOC_LINEAR_DELTA);
  const fresh: TickerFields = {
    ...JSON.parse(DOC_LINEAR_SNAPSHOT).data,
    lastPrice: "18000.00",
  };
  delete (fresh as Record<string, unknown>).fundingRate;
  const tick = apply(
    book,
    JSON.stringify({ ...JSON.parse(DOC_LINEAR_SNAPSHOT), data: fresh }),
  )!;
  assert.equal(tick.price, 18000);
  assert.equal(tick.markPrice, 17217.33, "not the delta's");
  assert.equal(tick.fundingRate, undefined, "nothing left over");
});

Deno.test("TickerBook - a delta with no snapshot makes no ticker", () => {
  const book = new TickerBook();
  assert.equal(apply(book, DOC_LINEAR_DELTA), undefined);
  assert.equal(book.has("BTC-USDT-PERP"), false);
  apply(book, DOC_LINEAR_SNAPSHOT);
  book.forget("BTC-USDT-PERP");
  assert.equal(apply(book, DOC_LINEAR_DELTA), undefined);
});

Deno.test("TickerBook - a merged ticker that fails validation is not kept", () => {
  const book = new TickerBook();
  apply(book, DOC_LINEAR_SNAPSHOT);
  const push = update(DOC_LINEAR_DELTA.replace('"17211.50"', '"abc"'));
  const merged = book.merge(push.id, push.type, push.data)!;
  assert.equal(linearTickerItemSchema.safeParse(merged).success, false);
  // The caller does not keep it: the next delta merges onto the good one.
  const tick = apply(
    book,
    DOC_LINEAR_DELTA.replace('"lastPrice":"17211.50",', ""),
  )!;
  assert.equal(tick.price, 17216);
});
