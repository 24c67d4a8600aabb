import assert from "node:assert/strict";
import type { AlertFrame } from "../protocol/frames.ts";
import { alertExportResponse, exportFileName } from "./alert_export.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

function alert(i: number): AlertFrame {
  return {
    type: "alert",
    id: `00lr0bqh9a-${i.toString(36).padStart(4, "0")}`,
    time: new Date(T0 + i).toISOString(),
    symbol: "ETH-USDT",
    kind: "volume_spike",
    price: 3_000,
    notional: 2_000_000 + i,
    threshold: 1_500_000,
    source: "rest",
  };
}

/** A source that records how far it was read and whether it was closed. */
function source(count: number) {
  const state = { read: 0, closed: false };
  async function* generate() {
    try {
      for (let i = 0; i < count; i++) {
        state.read++;
        yield alert(i);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, alerts: generate() };
}

Deno.test("alert export - csv: header, one row per alert, download headers", async () => {
  const { alerts } = source(3);
  const response = alertExportResponse(alerts, "csv", { now: T0 });
  assert.equal(
    response.headers.get("content-type"),
    "text/csv; charset=utf-8; header=present",
  );
  assert.equal(
    response.headers.get("content-disposition"),
    'attachment; filename="sats-sentinel-alerts-20240102T030405Z.csv"',
  );
  const lines = (await response.text()).split("\r\n");
  assert.equal(
    lines[0],
    "id,time,symbol,kind,price,notional,threshold,side,source,direction,size",
  );
  assert.equal(
    lines.length,
    5,
    "header + 3 rows + the empty rest after the last CRLF",
  );
  assert.equal(lines[4], "");
  assert.match(lines[1], /^"00lr0bqh9a-0000",.*,2000000,1500000,,"rest",,$/);
});

Deno.test("alert export - ndjson: one JSON object per line", async () => {
  const { alerts } = source(2);
  const response = alertExportResponse(alerts, "ndjson", { now: T0 });
  assert.match(response.headers.get("content-type")!, /^application\/x-ndjson/);
  const text = await response.text();
  assert.deepEqual(
    text.trimEnd().split("\n").map((line) => JSON.parse(line)),
    [alert(0), alert(1)],
  );
  assert.ok(text.endsWith("\n"));
});

Deno.test("alert export - an empty trail is just the header", async () => {
  const { alerts } = source(0);
  const text = await alertExportResponse(alerts, "csv", { now: T0 }).text();
  assert.equal(
    text,
    "id,time,symbol,kind,price,notional,threshold,side,source,direction,size\r\n",
  );
});

Deno.test("alert export - limit stops reading and closes the source", async () => {
  const { alerts, state } = source(1_000);
  const text = await alertExportResponse(alerts, "ndjson", {
    now: T0,
    limit: 5,
  }).text();
  assert.equal(text.trimEnd().split("\n").length, 5);
  assert.equal(state.read, 5);
  assert.equal(state.closed, true);
});

Deno.test("alert export - rows are read as the client pulls, and a cancel closes the source", async () => {
  const { alerts, state } = source(10_000);
  const response = alertExportResponse(alerts, "csv", {
    now: T0,
    chunkRows: 10,
  });
  const reader = response.body!.getReader();
  await reader.read();
  await reader.read();
  assert.ok(state.read < 10_000, `read ${state.read} of 10000 so far`);
  await reader.cancel();
  assert.equal(state.closed, true);
});

Deno.test("exportFileName - names the format and the UTC second", () => {
  assert.equal(
    exportFileName("ndjson", T0),
    "sats-sentinel-alerts-20240102T030405Z.ndjson",
  );
});
