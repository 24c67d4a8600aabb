import assert from "node:assert/strict";
import type { SimState } from "./sim_exchange.ts";
import { startExchange } from "./start_exchange.ts";
import { type ErrorBody, fetchJson } from "./test_utils.ts";

const SPOT = "?category=spot";

function put(url: string, body: unknown, type = "application/json") {
  return fetchJson<ErrorBody & { activeFault: unknown }>(`${url}/__sim/fault`, {
    method: "PUT",
    headers: { "content-type": type },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function statuses(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const response = await fetch(url);
    await response.body?.cancel();
    out.push(response.status);
  }
  return out;
}

Deno.test("control - PUT with a count faults the next N tickers requests only", async () => {
  await using sim = await startExchange();
  const set = await put(sim.url, { fault: "http503", count: 2 });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body.activeFault, {
    fault: "http503",
    remaining: 2,
    rate: 1,
  });
  const state = await fetchJson<SimState>(`${sim.url}/__sim/state`);
  assert.deepEqual(state.body.activeFault?.remaining, 2);
  assert.deepEqual(await statuses(`${sim.tickersUrl}${SPOT}`, 3), [
    503,
    503,
    200,
  ]);
  const after = await fetchJson<SimState>(`${sim.url}/__sim/state`);
  assert.equal(after.body.activeFault, null);
  assert.deepEqual(after.body.faultsApplied, { http503: 2 });
  assert.deepEqual(after.body.requests, {
    total: 6,
    tickers: 3,
    kline: 0,
    instruments: 0,
    control: 3,
    notFound: 0,
  });
});

Deno.test("control - PUT without a count holds until DELETE", async () => {
  await using sim = await startExchange();
  await put(sim.url, { fault: "retcode10006" });
  for (let i = 0; i < 3; i++) {
    const { body } = await fetchJson(`${sim.tickersUrl}${SPOT}`);
    assert.equal(body.retCode, 10006);
  }
  const cleared = await fetchJson(`${sim.url}/__sim/fault`, {
    method: "DELETE",
  });
  assert.equal(cleared.status, 200);
  const { body } = await fetchJson(`${sim.tickersUrl}${SPOT}`);
  assert.equal(body.retCode, 0);
});

Deno.test("control - a bad body is a 400 with {error, detail}", async () => {
  await using sim = await startExchange();
  const cases: [unknown, RegExp][] = [
    [{ fault: "http418" }, /fault: unknown fault "http418"; expected one of/],
    [{ fault: "http503", count: 0 }, /count/],
    [{ fault: "http503", count: "3" }, /count/],
    [{ fault: "http503", count: 1.5 }, /count/],
    [{ fault: "http503", rate: 2 }, /rate/],
    [{ fault: "http503", cout: 3 }, /cout/],
    [{}, /fault/],
    [[], /body/],
  ];
  for (const [body, detail] of cases) {
    const response = await put(sim.url, body);
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(response.body.error, "invalid_body");
    assert.match(response.body.detail, detail);
  }
  const malformed = await put(sim.url, "{fault:");
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error, "malformed_json");
  const wrongType = await put(sim.url, { fault: "http503" }, "text/plain");
  assert.equal(wrongType.status, 415);
  assert.equal(sim.exchange.state().activeFault, null);
});

Deno.test("control - wrong methods are 405 with Allow", async () => {
  await using sim = await startExchange();
  const fault = await fetchJson<ErrorBody>(`${sim.url}/__sim/fault`);
  assert.equal(fault.status, 405);
  assert.equal(fault.headers.get("allow"), "PUT, DELETE");
  const state = await fetchJson<ErrorBody>(`${sim.url}/__sim/state`, {
    method: "DELETE",
  });
  assert.equal(state.status, 405);
  assert.equal(state.headers.get("allow"), "GET");
});

Deno.test("control - the same control works in-process", async () => {
  await using sim = await startExchange();
  assert.deepEqual(sim.exchange.setFault("unlisted:btcusdt", { count: 1 }), {
    fault: "unlisted:BTCUSDT",
    remaining: 1,
    rate: 1,
  });
  const { body } = await fetchJson(`${sim.tickersUrl}${SPOT}&symbol=BTCUSDT`);
  assert.equal(body.retMsg, "Not supported symbols");
  sim.exchange.setFault({ kind: "empty-list" });
  sim.exchange.clearFault();
  assert.equal(
    (await fetchJson(`${sim.tickersUrl}${SPOT}`)).body.result.list!.length,
    6,
  );
  assert.throws(() => sim.exchange.setFault("http418"), {
    name: "RangeError",
    message: /^Unknown fault "http418"/,
  });
  assert.throws(
    () => sim.exchange.setFault("http503", { count: -1 }),
    RangeError,
  );
});

Deno.test("control - a start-up fault with a rate hits some requests, the same ones per seed", async () => {
  const pattern = async () => {
    await using sim = await startExchange({
      fault: "http500",
      faultRate: 0.5,
      seed: 3,
    });
    assert.deepEqual(sim.exchange.state().activeFault, {
      fault: "http500",
      remaining: null,
      rate: 0.5,
    });
    return await statuses(`${sim.tickersUrl}${SPOT}`, 30);
  };
  const first = await pattern();
  assert.ok(first.includes(500) && first.includes(200), String(first));
  assert.deepEqual(await pattern(), first);
});
