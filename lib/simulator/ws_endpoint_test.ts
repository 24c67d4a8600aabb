import assert from "node:assert/strict";
import type { SimState } from "./sim_exchange.ts";
import { startExchange } from "./start_exchange.ts";
import { type ErrorBody, fetchJson, waitFor } from "./test_utils.ts";

/** A client socket that records parsed messages and its close. */
async function open(url: string) {
  const socket = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  socket.onmessage = (event) => messages.push(JSON.parse(event.data));
  const closed = new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`Could not open ${url}`));
  });
  return { socket, messages, closed };
}

Deno.test("ws endpoint - subscribe, ack, then pushes over a real socket", async () => {
  await using sim = await startExchange({ wsPushIntervalMs: 20 });
  assert.match(sim.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+\/v5\/public\/spot$/);
  const client = await open(sim.wsUrl);
  try {
    client.socket.send(JSON.stringify({
      req_id: "1",
      op: "subscribe",
      args: ["tickers.BTCUSDT", "publicTrade.BTCUSDT"],
    }));
    await waitFor(() =>
      client.messages.filter((m) => m.topic === "tickers.BTCUSDT").length >= 5
    );
    const ack = client.messages.find((m) => m.op === "subscribe")!;
    assert.equal(ack.success, true);
    assert.equal(ack.req_id, "1");
    assert.equal(ack.simulator, true);
    assert.match(String(ack.conn_id), /^sim-conn-\d+$/);
    const state = sim.exchange.state().ws;
    assert.equal(state.connections.open, 1);
    assert.equal(state.subscribeRequests, 1);
  } finally {
    client.socket.close();
    await client.closed;
  }
});

Deno.test("ws endpoint - the upgrade answer is marked simulated; plain HTTP gets 426", async () => {
  await using sim = await startExchange();
  const http = sim.wsUrl.replace(/^ws/, "http");
  const plain = await fetchJson<ErrorBody>(http);
  assert.equal(plain.status, 426);
  assert.equal(plain.body.error, "upgrade_required");
  assert.equal(plain.headers.get("x-sentinel-simulator"), "1");
  const controller = new AbortController();
  const upgraded = await fetch(http, {
    signal: controller.signal,
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": btoa("0123456789abcdef"),
    },
  });
  assert.equal(upgraded.status, 101);
  assert.equal(upgraded.headers.get("x-sentinel-simulator"), "1");
  controller.abort();
  await upgraded.body?.cancel().catch(() => {});
});

Deno.test("ws endpoint - PUT /__sim/ws-fault close drops the socket; state reports it", async () => {
  await using sim = await startExchange();
  const client = await open(sim.wsUrl);
  const set = await fetchJson<{ activeFault: unknown }>(
    `${sim.url}/__sim/ws-fault`,
    {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fault: "close", count: 1 }),
    },
  );
  assert.equal(set.status, 200);
  const event = await client.closed;
  assert.equal(event.code, 1005);
  const state = await fetchJson<SimState>(`${sim.url}/__sim/state`);
  assert.deepEqual(state.body.ws.faultsApplied, { close: 1 });
  assert.equal(state.body.ws.activeFault, null);
  await waitFor(() => sim.exchange.state().ws.connections.open === 0);
});

Deno.test("ws endpoint - bad fault bodies are 400; DELETE clears", async () => {
  await using sim = await startExchange();
  const url = `${sim.url}/__sim/ws-fault`;
  const bad = await fetchJson<ErrorBody>(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ fault: "http503" }),
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /unknown WebSocket fault/);
  sim.exchange.setWsFault("refuse");
  const cleared = await fetchJson<{ activeFault: null }>(url, {
    method: "DELETE",
  });
  assert.equal(cleared.status, 200);
  assert.equal(sim.exchange.state().ws.activeFault, null);
  const wrong = await fetchJson<ErrorBody>(url);
  assert.equal(wrong.status, 405);
});
