/**
 * The behaviour every {@linkcode AlertTrail} must show, as one suite that the
 * Deno KV trail's and the Redis trail's test files run against their own
 * store: ids, pages and cursors, filters, lazy export, retention, reopening,
 * idempotency keys and the leader's fence.
 */
import assert from "node:assert/strict";
import type { AlertDraft } from "../alerts/alert_draft.ts";
import { suiteTest } from "../engine/suite_case.ts";
import type { Lease } from "../engine/stream_engine.ts";
import type { AlertKind } from "../protocol/frames.ts";
import type { AlertTrail } from "./alert_trail.ts";
import { alertDraft as draft } from "./test_utils.ts";

/** A store under test. */
export interface TrailFixture {
  /** Opens a trail on this case's store (again: a reopen after a restart). */
  open(): Promise<AlertTrail>;
  /** Makes this instance the leader; returns its lease. */
  grant(): Promise<Lease>;
  /** Another instance takes the lease over. */
  revoke(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@linkcode alertTrailContract}. */
export interface TrailContractOptions {
  /** Prefix of each test name, e.g. `AlertStore`. */
  readonly name: string;
  /** A fresh store per case. */
  readonly fixture: () => Promise<TrailFixture>;
  /** Skip every case (e.g. `redis-server` missing). */
  readonly ignore?: boolean;
}

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
const DAY = 86_400_000;

/** Ten alerts a second apart, alternating symbols and kinds. */
function mixed(): AlertDraft[] {
  const kinds: AlertKind[] = ["whale_trade", "volume_spike"];
  return Array.from({ length: 10 }, (_, i) =>
    draft(
      T0 + i * 1_000,
      i % 2 === 0 ? "BTC-USDT" : "ETH-USDT",
      kinds[Math.floor(i / 2) % 2],
    ));
}

/** Registers the suite's tests (see {@linkcode TrailContractOptions}). */
export function alertTrailContract(options: TrailContractOptions): void {
  const test = (
    title: string,
    body: (trail: AlertTrail, fixture: TrailFixture) => Promise<void>,
  ) =>
    suiteTest(
      options,
      title,
      options.fixture,
      async (fixture) => await body(await fixture.open(), fixture),
    );

  test("append stores frames with increasing ids and ISO times", async (trail) => {
    const [a, b] = await trail.append([draft(T0), draft(T0)]);
    assert.ok(a.id < b.id);
    assert.deepEqual(a, {
      type: "alert",
      id: a.id,
      time: "2024-01-02T03:04:05.006Z",
      symbol: "BTC-USDT",
      kind: "whale_trade",
      price: 60_000,
      notional: 300_000,
      threshold: 250_000,
      side: "Buy",
      source: "simulator",
    });
    assert.equal(trail.count, 2);
    const page = await trail.list();
    assert.deepEqual(page.alerts.map((x) => x.id), [b.id, a.id]);
    assert.equal(page.next_cursor, null);
  });

  test("cursor pages walk every alert once, newest first", async (trail) => {
    const stored = await trail.append(
      Array.from({ length: 23 }, (_, i) => draft(T0 + i)),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await trail.list({ limit: 5, cursor });
      seen.push(...page.alerts.map((a) => a.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, stored.map((a) => a.id).reverse());
    const exact = await trail.list({ limit: 3, cursor: stored[3].id });
    assert.equal(exact.alerts.length, 3);
    assert.equal(exact.next_cursor, null);
  });

  test("filters by symbol, kind, both and time, also across pages", async (trail) => {
    const stored = await trail.append(mixed());
    const ids = (drafts: typeof stored) => drafts.map((a) => a.id).reverse();
    const eth = await trail.list({ symbol: "ETH-USDT" });
    assert.deepEqual(
      eth.alerts.map((a) => a.id),
      ids(stored.filter((a) => a.symbol === "ETH-USDT")),
    );
    const spikes = await trail.list({ kind: "volume_spike" });
    assert.deepEqual(
      spikes.alerts.map((a) => a.id),
      ids(stored.filter((a) => a.kind === "volume_spike")),
    );
    const both = await trail.list({ symbol: "BTC-USDT", kind: "whale_trade" });
    assert.ok(both.alerts.length > 0);
    assert.ok(
      both.alerts.every((a) =>
        a.symbol === "BTC-USDT" && a.kind === "whale_trade"
      ),
    );
    const window = [];
    for await (
      const a of trail.iterate({ since: T0 + 2_000, until: T0 + 5_000 }, 2)
    ) window.push(a.id);
    assert.deepEqual(window, ids(stored.slice(2, 5)));
    const first = await trail.list({ symbol: "BTC-USDT", limit: 3 });
    const second = await trail.list({
      symbol: "BTC-USDT",
      limit: 3,
      cursor: first.next_cursor!,
    });
    const symbols = [...first.alerts, ...second.alerts].map((a) => a.symbol);
    assert.deepEqual(symbols, Array(5).fill("BTC-USDT"));
    assert.equal(second.next_cursor, null);
  });

  test("iterate streams every match in batches; a bad page size is refused", async (trail) => {
    await trail.append(Array.from({ length: 450 }, (_, i) => draft(T0 + i)));
    let n = 0;
    let previous = "~";
    for await (const alert of trail.iterate({}, 100)) {
      assert.ok(alert.id < previous);
      previous = alert.id;
      n++;
    }
    assert.equal(n, 450);
    for (const limit of [0, 501, 1.5]) {
      await assert.rejects(() => trail.list({ limit }), RangeError);
    }
  });

  test(
    "ids continue after a reopen, even with the clock behind or everything pruned",
    async (trail, fixture) => {
      const [before] = await trail.append([draft(T0 + 60_000)]);
      const reopened = await fixture.open();
      const [after] = await reopened.append([draft(T0)]);
      assert.ok(after.id > before.id, `${after.id} > ${before.id}`);
      assert.equal(after.time, new Date(T0).toISOString(), "time stays true");
      assert.equal(reopened.count, 2);
      await reopened.prune({
        now: T0 + 10 * DAY,
        maxAgeMs: DAY,
        maxCount: 100,
      });
      assert.equal((await reopened.list()).alerts.length, 0);
      const [next] = await (await fixture.open()).append([draft(T0 - DAY)]);
      assert.ok(next.id > after.id);
    },
  );

  test(
    "prunes by age and by count, keeping the newest, in bounded runs",
    async (trail, fixture) => {
      const all = await trail.append(
        Array.from({ length: 10 }, (_, i) => draft(T0 + i * 60_000)),
      );
      const byAge = await trail.prune({
        now: T0 + 10 * 60_000,
        maxAgeMs: 5 * 60_000 + 1,
        maxCount: 100,
      });
      assert.deepEqual(byAge, { deleted: 5, more: false });
      const options = { now: T0, maxAgeMs: 1e12, maxCount: 2, maxDeletes: 2 };
      assert.deepEqual(await trail.prune(options), { deleted: 2, more: true });
      assert.deepEqual(await trail.prune(options), { deleted: 1, more: false });
      assert.equal(trail.count, 2);
      assert.deepEqual(
        (await trail.list()).alerts.map((a) => a.id),
        all.slice(8).map((a) => a.id).reverse(),
      );
      assert.equal((await fixture.open()).count, 2, "count persisted");
    },
  );

  test(
    "an idempotency key stores an alert once, and a stale fence stores nothing",
    async (trail, fixture) => {
      const fence = await fixture.grant();
      const one = await trail.appendOnce(
        [{ key: "k1", draft: draft(T0) }],
        fence,
      );
      const two = await trail.appendOnce([
        { key: "k1", draft: draft(T0) },
        { key: "k2", draft: draft(T0 + 1) },
      ], fence);
      assert.ok(one.ok && two.ok);
      assert.equal(one.stored.length, 1);
      assert.deepEqual(two.stored.map((a) => a.time), [
        new Date(T0 + 1).toISOString(),
      ]);
      await fixture.revoke();
      const stale = await trail.appendOnce(
        [{ key: "k3", draft: draft(T0 + 2) }],
        fence,
      );
      assert.deepEqual(stale, { ok: false, reason: "fenced" });
      assert.equal((await trail.list()).alerts.length, 2);
      assert.equal(trail.count, 2);
    },
  );
}
