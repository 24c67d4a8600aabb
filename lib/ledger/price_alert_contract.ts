/**
 * The behaviour every price-alert store shows, whichever backend holds it,
 * as one suite the Deno KV and Redis test files run against their own:
 * creates and deletes stored and audited together, the bounds (also when
 * two instances create at once), the armed state kept but never for a
 * deleted alert, another instance's writes seen at once, and — where the
 * backend is fenced — armed-state writes only while this instance leads.
 */
import assert from "node:assert/strict";
import {
  PriceAlertLimitError,
  PriceAlertNotFoundError,
} from "../alerts/price_alert_errors.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { suiteTest } from "../engine/suite_case.ts";
import type { PriceAlertBackend } from "./price_alert_backend.ts";
import {
  MAX_PRICE_ALERTS_PER_SYMBOL,
  PriceAlertStore,
  publicPriceAlert,
} from "./price_alert_store.ts";
import type { ThresholdStore } from "./threshold_store.ts";

/** One instance's view of the store under test. */
export interface PriceAlertInstance {
  readonly backend: PriceAlertBackend;
  /** The threshold audit trail beside it. */
  readonly audit: ThresholdStore;
}

/** A store under test, fresh per case. */
export interface PriceAlertFixture {
  /** Another instance on the same store (the first call: this one). */
  instance(clock: FakeClock): Promise<PriceAlertInstance>;
  /** For a fenced backend: the lease moves to another instance. */
  revoke?(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@linkcode priceAlertContract}. */
export interface PriceAlertContractOptions {
  /** Prefix of each test name. */
  readonly name: string;
  readonly fixture: () => Promise<PriceAlertFixture>;
  /** Skip every case (e.g. `redis-server` missing). */
  readonly ignore?: boolean;
  /** The backend fences armed-state writes: run the fence case too. */
  readonly fenced?: boolean;
}

const T0 = 1_700_000_000_000;

/** Registers the suite's tests (see {@linkcode PriceAlertContractOptions}). */
export function priceAlertContract(options: PriceAlertContractOptions): void {
  const test = (
    title: string,
    body: (
      open: () => Promise<{ store: PriceAlertStore; audit: ThresholdStore }>,
      fixture: PriceAlertFixture,
    ) => Promise<void>,
  ) =>
    suiteTest(options, title, options.fixture, async (fixture) => {
      const clock = new FakeClock(T0);
      const open = async () => {
        const { backend, audit } = await fixture.instance(clock);
        return {
          store: await PriceAlertStore.open({ backend, audit, clock }),
          audit,
        };
      };
      await body(open, fixture);
    });

  test("create and delete are stored and audited with the caller's IP", async (open) => {
    const { store, audit } = await open();
    const alert = await store.add(
      { symbol: "BTC-USDT", price: 65_000.25, direction: "above" },
      true,
      "10.0.0.1",
    );
    assert.deepEqual(publicPriceAlert(alert), {
      id: alert.id,
      symbol: "BTC-USDT",
      price: 65_000.25,
      direction: "above",
      created: new Date(T0).toISOString(),
      armed: true,
    });
    assert.deepEqual((await open()).store.list(), [alert], "persisted");
    await store.remove(alert.id, "10.0.0.2");
    assert.deepEqual(store.list(), []);
    assert.deepEqual((await open()).store.list(), []);
    const trail = (await audit.auditPage()).changes;
    assert.deepEqual(
      trail.map((
        c,
      ) => [c.kind, c.action, c.alert_id, c.previous, c.threshold, c.actor_ip]),
      [
        ["price_alert", "delete", alert.id, 65_000.25, 0, "10.0.0.2"],
        ["price_alert", "create", alert.id, 0, 65_000.25, "10.0.0.1"],
      ],
    );
    assert.equal(trail[0].direction, "above");
  });

  test("unknown ids and the bounds are domain errors, also with two instances creating at once", async (open) => {
    const [a, b] = [(await open()).store, (await open()).store];
    await assert.rejects(() => a.remove("nope", "ip"), PriceAlertNotFoundError);
    const results = await Promise.all(
      Array.from(
        { length: MAX_PRICE_ALERTS_PER_SYMBOL + 2 },
        (_, i) =>
          (i % 2 ? a : b).add(
            { symbol: "ETH-USDT", price: 1 + i, direction: "below" },
            null,
            "ip",
          ).catch((e) => e),
      ),
    );
    const refused = results.filter((r) => r instanceof PriceAlertLimitError);
    assert.equal(
      refused.length,
      2,
      `concurrent creates keep the bound: ${
        results.map((r) => r instanceof Error ? String(r) : r.price)
      } stored ${(await a.listStored()).length}`,
    );
    assert.match(refused[0].message, /At most 20 price alerts on ETH-USDT/);
    assert.equal(
      (await a.listStored()).length,
      MAX_PRICE_ALERTS_PER_SYMBOL,
    );
  });

  test("another instance's creates and deletes are seen at once", async (open) => {
    const [a, b] = [(await open()).store, (await open()).store];
    const alert = await a.add(
      { symbol: "BTC-USDT", price: 70_000, direction: "above" },
      null,
      "ip",
    );
    assert.deepEqual(await b.listStored(), [alert]);
    assert.deepEqual(b.list(), [], "the memory copy until a refresh");
    assert.deepEqual(await b.refresh(), [alert]);
    await b.remove(alert.id, "ip");
    assert.deepEqual(await a.listStored(), []);
    await assert.rejects(
      () => a.remove(alert.id, "ip"),
      PriceAlertNotFoundError,
    );
    assert.deepEqual(a.list(), []);
  });

  test("the armed state is persisted, never for a deleted alert", async (open) => {
    const { store } = await open();
    const alert = await store.add(
      { symbol: "BTC-USDT", price: 1, direction: "above" },
      null,
      "ip",
    );
    assert.equal(await store.setArmed(alert.id, false), true);
    assert.equal((await open()).store.get(alert.id)!.armed, false);
    const removing = store.remove(alert.id, "ip");
    const arming = store.setArmed(alert.id, true);
    await Promise.all([removing, arming]);
    assert.deepEqual(await store.listStored(), [], "not resurrected");
  });

  if (!options.fenced) return;
  test(
    "a fenced store keeps the armed state only while this instance leads",
    async (open, fixture) => {
      const { store } = await open();
      const alert = await store.add(
        { symbol: "BTC-USDT", price: 1, direction: "above" },
        true,
        "ip",
      );
      assert.equal(await store.setArmed(alert.id, false), true);
      await fixture.revoke!();
      assert.equal(await store.setArmed(alert.id, true), false);
      assert.equal((await store.listStored())[0].armed, false);
    },
  );
}
