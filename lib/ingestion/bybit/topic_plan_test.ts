import assert from "node:assert/strict";
import {
  argsChars,
  MAX_ARGS_CHARS_PER_CONNECTION,
  planTopics,
} from "./topic_plan.ts";
import { MAX_SUBSCRIBE_ARGS, SubscriptionBook } from "./ws_subscriptions.ts";

const topicsOf = (n: number, prefix = "SYN") =>
  Array.from({ length: n }, (_, i) => {
    const symbol = `${prefix}${String(i).padStart(4, "0")}USDT`;
    return [`tickers.${symbol}`, `publicTrade.${symbol}`];
  }).flat();

Deno.test("argsChars - counts the JSON array of the args", () => {
  for (
    const topics of [[], ["a"], ["tickers.BTCUSDT", "publicTrade.BTCUSDT"]]
  ) {
    assert.equal(argsChars(topics), JSON.stringify(topics).length);
  }
});

Deno.test("planTopics - every connection stays within 21,000 args characters", () => {
  const wanted = topicsOf(600);
  const plan = planTopics([], wanted);
  assert.ok(plan.connections.length >= 2, "600 spot symbols need two");
  for (const topics of plan.connections) {
    assert.ok(argsChars(topics) <= MAX_ARGS_CHARS_PER_CONNECTION);
    // And each subscribe request of it carries at most 10 args.
    const requests = new SubscriptionBook(topics).requests(topics);
    assert.ok(requests.every((r) => r.args.length <= MAX_SUBSCRIBE_ARGS));
    assert.equal(requests.flatMap((r) => r.args).length, topics.length);
  }
  assert.deepEqual(plan.connections.flat().sort(), [...wanted].sort());
  assert.deepEqual(plan.added, plan.connections);
});

Deno.test("planTopics - fills to the limit exactly, then opens another", () => {
  const topics = ["aaaa", "bbbb", "cccc"];
  // ["aaaa","bbbb"] is 15 characters: a limit of 15 holds two.
  const plan = planTopics([], topics, 15);
  assert.deepEqual(plan.connections, [["aaaa", "bbbb"], ["cccc"]]);
  assert.throws(() => planTopics([], ["x".repeat(20)], 15), /alone exceeds/);
});

Deno.test("planTopics - kept topics stay put; removed leave; new ones fill gaps", () => {
  const before = [["t1", "t2", "t3"], ["t4", "t5"]];
  const plan = planTopics(before, ["t1", "t3", "t5", "t6", "t7"], 22);
  assert.deepEqual(plan.removed, [["t2"], ["t4"]]);
  assert.deepEqual(plan.connections[0].slice(0, 2), ["t1", "t3"]);
  assert.deepEqual(plan.connections[1][0], "t5");
  assert.deepEqual(plan.added.flat().sort(), ["t6", "t7"]);
  for (const topics of plan.connections) assert.ok(argsChars(topics) <= 22);
});

Deno.test("planTopics - a connection left with nothing is planned empty", () => {
  const plan = planTopics([["a"], ["b"]], ["a"]);
  assert.deepEqual(plan.connections, [["a"], []]);
  assert.deepEqual(plan.removed, [[], ["b"]]);
});
