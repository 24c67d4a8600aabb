import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { startExchange } from "./start_exchange.ts";
import { type ErrorBody, fetchJson, waitFor } from "./test_utils.ts";

const SPOT = "?category=spot";

Deno.test("SimExchange - every answer carries x-sentinel-simulator: 1", async () => {
  await using sim = await startExchange();
  const urls = [
    `${sim.tickersUrl}${SPOT}`,
    `${sim.tickersUrl}${SPOT}&fault=http503`,
    `${sim.tickersUrl}${SPOT}&fault=nope`,
    `${sim.tickersUrl}${SPOT}&fault=malformed`,
    `${sim.url}/__sim/state`,
    `${sim.url}/__sim/fault`,
    `${sim.url}/elsewhere`,
  ];
  for (const url of urls) {
    const response = await fetch(url);
    await response.body?.cancel();
    assert.equal(response.headers.get("x-sentinel-simulator"), "1", url);
  }
});

Deno.test("SimExchange - other paths answer 404 JSON; other methods 405", async () => {
  await using sim = await startExchange();
  const missing = await fetchJson<ErrorBody>(`${sim.url}/v5/market/orderbook`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error, "not_found");
  const post = await fetchJson<ErrorBody>(sim.tickersUrl, { method: "POST" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET");
});

Deno.test("SimExchange - transport faults answer as Bybit's edge does", async () => {
  await using sim = await startExchange();
  const cases: [string, number, RegExp][] = [
    ["http500", 500, /500 Internal Server Error/],
    ["http502", 502, /502 Bad Gateway/],
    ["http503", 503, /503 Service Temporarily Unavailable/],
    ["http403", 403, /^access too frequent$/],
    ["http429", 429, /Too Many Requests/],
  ];
  for (const [fault, status, text] of cases) {
    const response = await fetch(`${sim.tickersUrl}${SPOT}&fault=${fault}`);
    const body = await response.text();
    assert.equal(response.status, status, fault);
    assert.match(body, text, fault);
    assert.throws(() => JSON.parse(body), SyntaxError, fault);
  }
});

Deno.test("SimExchange - retCode faults answer 200 with Bybit's error envelope", async () => {
  await using sim = await startExchange();
  const cases: [string, number, string][] = [
    ["retcode10000", 10000, "Server Timeout"],
    ["retcode10001", 10001, "params error"],
    ["retcode10006", 10006, "Too many visits!"],
    ["retcode10016", 10016, "Request timeout, please try again later"],
  ];
  for (const [fault, retCode, retMsg] of cases) {
    const { status, body } = await fetchJson(
      `${sim.tickersUrl}${SPOT}&fault=${fault}`,
    );
    assert.equal(status, 200);
    assert.equal(body.retCode, retCode);
    assert.equal(body.retMsg, retMsg);
    assert.deepEqual(body.result, {});
    assert.equal(typeof body.time, "number");
  }
});

Deno.test("SimExchange - malformed answers 200 with JSON cut short", async () => {
  await using sim = await startExchange();
  const response = await fetch(`${sim.tickersUrl}${SPOT}&fault=malformed`);
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.match(text, /^\{"retCode":0,"retMsg":"OK"/);
  assert.throws(() => JSON.parse(text), SyntaxError);
});

Deno.test("SimExchange - list faults spoil the list as named", async () => {
  await using sim = await startExchange();
  const get = async (fault: string) =>
    (await fetchJson(`${sim.tickersUrl}${SPOT}&fault=${fault}`)).body.result
      .list;
  assert.equal((await get("missing-field"))![0].lastPrice, undefined);
  assert.equal((await get("empty-field"))![0].lastPrice, "");
  assert.equal((await get("bad-number"))![0].lastPrice, "abc");
  assert.equal(await get("null-list"), null);
  assert.deepEqual(await get("empty-list"), []);
  const unlisted = await get("unlisted:ETHUSDT");
  assert.equal(unlisted!.length, 5);
  assert.ok(!unlisted!.some((item) => item.symbol === "ETHUSDT"));
});

Deno.test("SimExchange - a fault can be named in the x-sim-fault header", async () => {
  await using sim = await startExchange();
  const response = await fetch(`${sim.tickersUrl}${SPOT}`, {
    headers: { "x-sim-fault": "http502" },
  });
  await response.body?.cancel();
  assert.equal(response.status, 502);
  assert.deepEqual(sim.exchange.state().faultsApplied, { http502: 1 });
});

Deno.test("SimExchange - an unknown fault on a request is a 400 listing the known ones", async () => {
  await using sim = await startExchange();
  const { status, body } = await fetchJson<ErrorBody>(
    `${sim.tickersUrl}${SPOT}&fault=http418`,
  );
  assert.equal(status, 400);
  assert.equal(body.error, "unknown_fault");
  assert.match(
    body.detail,
    /^Unknown fault "http418"; expected one of http500/,
  );
});

Deno.test("SimExchange - latency answers normally once the clock has moved", async () => {
  const clock = new FakeClock();
  await using sim = await startExchange({ clock });
  const pending = fetchJson(`${sim.tickersUrl}${SPOT}&fault=latency:1000`);
  await waitFor(() => sim.exchange.state().held === 1);
  assert.deepEqual(clock.pending(), [1000]);
  clock.advance(999);
  assert.equal(sim.exchange.state().held, 1);
  clock.advance(1);
  const { status, body } = await pending;
  assert.equal(status, 200);
  assert.equal(body.retCode, 0);
  assert.equal(body.time, clock.now());
  assert.equal(body.result.list!.length, 6);
  assert.equal(sim.exchange.state().market.steps, 20);
});

Deno.test("SimExchange - a client leaving a latency request clears its timer", async () => {
  const clock = new FakeClock();
  await using sim = await startExchange({ clock });
  const client = new AbortController();
  const pending = fetch(`${sim.tickersUrl}${SPOT}&fault=latency:60000`, {
    signal: client.signal,
  });
  await waitFor(() => sim.exchange.state().held === 1);
  client.abort();
  await assert.rejects(pending, { name: "AbortError" });
  await waitFor(() => sim.exchange.state().held === 0);
  assert.deepEqual(clock.pending(), []);
});

Deno.test({
  name:
    "SimExchange - timeout holds until the client gives up, leaking nothing",
  sanitizeOps: true,
  sanitizeResources: true,
  fn: async () => {
    const sim = await startExchange();
    const client = new AbortController();
    const pending = fetch(`${sim.tickersUrl}${SPOT}&fault=timeout`, {
      signal: client.signal,
    });
    await waitFor(() => sim.exchange.state().held === 1);
    client.abort();
    await assert.rejects(pending, { name: "AbortError" });
    await waitFor(() => sim.exchange.state().held === 0);
    assert.deepEqual(sim.exchange.state().faultsApplied, { timeout: 1 });
    await sim.shutdown();
  },
});

Deno.test("SimExchange - shutting down releases held requests with a 503", async () => {
  const sim = await startExchange();
  const pending = fetchJson<ErrorBody>(
    `${sim.tickersUrl}${SPOT}&fault=timeout`,
  );
  await waitFor(() => sim.exchange.state().held === 1);
  await sim.shutdown();
  const { status, body } = await pending;
  assert.equal(status, 503);
  assert.equal(body.error, "released");
  assert.equal(sim.exchange.state().held, 0);
});

Deno.test("SimExchange - the market advances with the injected clock", async () => {
  const clock = new FakeClock();
  await using sim = await startExchange({ clock, seed: 9 });
  const first = await fetchJson(`${sim.tickersUrl}${SPOT}&symbol=BTCUSDT`);
  clock.advance(60_000);
  const later = await fetchJson(`${sim.tickersUrl}${SPOT}&symbol=BTCUSDT`);
  assert.equal(later.body.time - first.body.time, 60_000);
  assert.equal(sim.exchange.state().market.steps, 1_200);
  assert.notEqual(
    later.body.result.list![0].turnover24h,
    first.body.result.list![0].turnover24h,
  );
});
