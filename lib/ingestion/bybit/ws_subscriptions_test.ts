import assert from "node:assert/strict";
import { namedTopics, SubscriptionBook } from "./ws_subscriptions.ts";

const topics = (n: number) =>
  Array.from({ length: n }, (_, i) => `tickers.S${i}`);

Deno.test("SubscriptionBook - requests carry at most 10 args and distinct ids", () => {
  const book = new SubscriptionBook(topics(23));
  const requests = book.requests(book.all());
  assert.deepEqual(requests.map((r) => r.args.length), [10, 10, 3]);
  assert.equal(new Set(requests.map((r) => r.reqId)).size, 3);
  assert.deepEqual(requests.flatMap((r) => r.args), topics(23));
});

Deno.test("SubscriptionBook - a success ack activates its request's topics only", () => {
  const book = new SubscriptionBook(topics(12));
  const [first, second] = book.requests(book.all());
  assert.deepEqual(book.acked(first.reqId, true, "subscribe"), {
    matched: true,
    refused: [],
  });
  assert.deepEqual(book.counts(), { pending: 2, active: 10, refused: 0 });
  assert.equal(book.acked("unknown", true, "").matched, false);
  assert.equal(book.acked(first.reqId, true, "").matched, false, "acked once");
  assert.deepEqual(book.inactive(), second.args);
});

Deno.test("SubscriptionBook - data can arrive before the ack and activates the topic", () => {
  const book = new SubscriptionBook(["tickers.A", "publicTrade.A"]);
  const [request] = book.requests(book.all());
  assert.equal(book.sawData("publicTrade.A"), true);
  assert.equal(book.sawData("publicTrade.A"), false);
  assert.equal(book.sawData("tickers.OTHER"), false);
  assert.equal(book.status("publicTrade.A"), "active");
  book.acked(request.reqId, true, "subscribe");
  assert.deepEqual(book.counts(), { pending: 0, active: 2, refused: 0 });
});

Deno.test("SubscriptionBook - a failure naming topics refuses those; the rest stay pending", () => {
  const book = new SubscriptionBook(["tickers.A", "tickers.B", "tickers.C"]);
  const [request] = book.requests(book.all());
  book.sawData("tickers.C");
  const outcome = book.acked(
    request.reqId,
    false,
    "Invalid symbol :[tickers.B,tickers.C]",
  );
  assert.deepEqual(outcome.refused, ["tickers.B"], "data beats the ack");
  assert.deepEqual(book.refused(), ["tickers.B"]);
  assert.equal(book.status("tickers.A"), "pending");
});

Deno.test("SubscriptionBook - a failure naming nothing refuses the whole request", () => {
  const book = new SubscriptionBook(topics(12));
  const [first] = book.requests(book.all());
  const outcome = book.acked(first.reqId, false, "args size >10");
  assert.deepEqual(outcome.refused, first.args);
  assert.equal(book.counts().refused, 10);
});

Deno.test("SubscriptionBook - 'already subscribed' means followed, not refused", () => {
  const book = new SubscriptionBook(["tickers.A"]);
  const [request] = book.requests(["tickers.A"]);
  const outcome = book.acked(
    request.reqId,
    false,
    "error:already subscribed,topic:tickers.A",
  );
  assert.deepEqual(outcome.refused, []);
  assert.equal(book.status("tickers.A"), "active");
});

Deno.test("SubscriptionBook - reset makes every topic pending and forgets requests", () => {
  const book = new SubscriptionBook(["tickers.A", "tickers.B"]);
  const [request] = book.requests(book.all());
  book.sawData("tickers.A");
  book.reset();
  assert.deepEqual(book.counts(), { pending: 2, active: 0, refused: 0 });
  assert.equal(book.acked(request.reqId, true, "").matched, false);
  assert.throws(
    () => new SubscriptionBook([], 0),
    /maxArgs must be a positive integer/,
  );
});

Deno.test("namedTopics - reads Bybit's ways of naming topics", () => {
  assert.deepEqual(namedTopics("Invalid symbol :[tickers.X, publicTrade.X]"), [
    "tickers.X",
    "publicTrade.X",
  ]);
  assert.deepEqual(namedTopics("error:handler not found,topic:kline.1.X"), [
    "kline.1.X",
  ]);
  assert.deepEqual(namedTopics("args size >10"), []);
});
