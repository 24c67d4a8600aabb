import assert from "node:assert/strict";
import { MemoryCandleStore } from "./candle_store.ts";
import { OutageLog, SERVICE_DOWN, UPSTREAM_OFFLINE } from "./outage_log.ts";

Deno.test("OutageLog - begin and end an upstream outage, written through", async () => {
  const store = new MemoryCandleStore();
  const log = await OutageLog.open({ store, since: 0 });
  log.begin(1_000, UPSTREAM_OFFLINE);
  log.begin(1_500, UPSTREAM_OFFLINE); // already in progress
  assert.deepEqual(log.current, {
    from: 1_000,
    to: null,
    reason: UPSTREAM_OFFLINE,
  });
  assert.deepEqual(log.list(0, 2_000).length, 1);
  log.end(4_000);
  assert.equal(log.current, undefined);
  await log.flushed();
  assert.deepEqual(await store.outages(0, Infinity), [
    { from: 1_000, to: 4_000, reason: UPSTREAM_OFFLINE },
  ]);
  const reopened = await OutageLog.open({ store, since: 0 });
  assert.deepEqual(reopened.list(3_999, 5_000).map((o) => o.from), [1_000]);
  assert.deepEqual(reopened.list(4_000, 5_000), [], "ends are exclusive");
});

Deno.test("OutageLog - a recorded downtime closes what was open and never overlaps", async () => {
  const log = await OutageLog.open({
    store: new MemoryCandleStore(),
    since: 0,
  });
  log.begin(1_000, UPSTREAM_OFFLINE);
  log.record(2_000, 9_000, SERVICE_DOWN);
  assert.deepEqual(log.list(0, Infinity), [
    { from: 1_000, to: 2_000, reason: UPSTREAM_OFFLINE },
    { from: 2_000, to: 9_000, reason: SERVICE_DOWN },
  ]);
  log.begin(8_000, UPSTREAM_OFFLINE);
  assert.equal(log.current!.from, 9_000);
  log.record(5, 5, SERVICE_DOWN); // empty: ignored
  assert.equal(log.list(0, Infinity).length, 3);
  assert.equal(await log.prune(2_500), 1);
  assert.deepEqual(log.list(0, Infinity).map((o) => o.from), [2_000, 9_000]);
});

Deno.test("OutageLog - follows the upstream status: offline from the last good data until back", async () => {
  const log = await OutageLog.open({
    store: new MemoryCandleStore(),
    since: 0,
  });
  log.followStatus("connecting", null, 500);
  assert.equal(log.current, undefined);
  log.followStatus("offline", 1_000, 11_000);
  log.followStatus("offline", 1_000, 12_000);
  assert.deepEqual(log.current, {
    from: 1_000,
    to: null,
    reason: UPSTREAM_OFFLINE,
  });
  log.followStatus("degraded", 1_000, 20_000);
  assert.deepEqual(log.list(0, Infinity), [
    { from: 1_000, to: 20_000, reason: UPSTREAM_OFFLINE },
  ]);
  log.followStatus("offline", null, 30_000);
  log.followStatus("online", 31_000, 31_000);
  assert.deepEqual(log.list(25_000, Infinity), [
    { from: 30_000, to: 31_000, reason: UPSTREAM_OFFLINE },
  ]);
});

Deno.test("OutageLog - a mirror takes the leader's outages, writes none, and reports what it writes once writable", async () => {
  const store = new MemoryCandleStore();
  const written: unknown[] = [];
  const log = await OutageLog.open({
    store,
    since: 0,
    writable: false,
    onWritten: (o) => written.push(o),
  });
  log.mirror({ from: 1_000, to: null, reason: UPSTREAM_OFFLINE });
  log.mirror({ from: 1_000, to: 2_000, reason: UPSTREAM_OFFLINE });
  log.followStatus("offline", 3_000, 4_000);
  await log.flushed();
  assert.deepEqual(await store.outages(0, Infinity), []);
  assert.equal(log.list(0, Infinity).length, 2);
  log.writable = true;
  log.end(5_000);
  await log.flushed();
  assert.deepEqual(written, [{
    from: 3_000,
    to: 5_000,
    reason: UPSTREAM_OFFLINE,
  }]);
  assert.deepEqual(await store.outages(0, Infinity), written);
});
