import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { type EngineRole, LeaseKeeper } from "./lease_keeper.ts";
import { MemoryEngine, MemoryEngineStore } from "./memory_engine.ts";
import type { Lease } from "./stream_engine.ts";

type KeeperEngine = ConstructorParameters<typeof LeaseKeeper>[0]["engine"];

function setup(clock = new FakeClock()) {
  const store = new MemoryEngineStore({ historySize: 10, clock });
  const roles: Record<string, EngineRole[]> = { a: [], b: [] };
  /** Role changes of both, in order, with the monotonic time. */
  const log: string[] = [];
  const keeper = (
    name: "a" | "b",
    engine: KeeperEngine = new MemoryEngine({ store, instance: name }),
  ) =>
    new LeaseKeeper({
      engine,
      ttlMs: 3_000,
      clock,
      onRole: (role) => {
        roles[name].push(role);
        log.push(`${name}:${role}@${clock.monotonic()}`);
      },
    });
  return { clock, store, roles, log, keeper };
}

async function advance(clock: FakeClock, ms: number, step = 100) {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await clock.settle();
  }
}

/** Starts a, lets it lead, then starts b. */
async function startBoth(setupResult: ReturnType<typeof setup>) {
  const a = setupResult.keeper("a");
  const b = setupResult.keeper("b");
  a.start();
  await advance(setupResult.clock, 100);
  b.start();
  return [a, b];
}

Deno.test("LeaseKeeper - one of two instances leads and keeps leading", async () => {
  const both = setup();
  const { clock, roles } = both;
  const [a, b] = await startBoth(both);
  await advance(clock, 20_000);
  assert.deepEqual(roles.a, ["leader"]);
  assert.deepEqual(roles.b, []);
  await a.stop();
  await b.stop();
});

Deno.test("LeaseKeeper - when the leader stalls, it steps down before a follower takes over within the lease", async () => {
  const { clock, store, log, keeper } = setup();
  let stalled = false;
  const engineA = new MemoryEngine({ store, instance: "a" });
  const a = keeper("a", {
    acquireLease: (ttl) => engineA.acquireLease(ttl),
    // A paused leader's renewals never reach the store.
    renewLease: (lease, ttl) =>
      stalled ? new Promise(() => {}) : engineA.renewLease(lease, ttl),
    releaseLease: (lease) => engineA.releaseLease(lease),
  });
  const b = keeper("b");
  a.start();
  await advance(clock, 100);
  b.start();
  stalled = true;
  const stalledAt = clock.monotonic();
  await advance(clock, 6_000);
  const aDown = log.findIndex((l) => l.startsWith("a:follower"));
  const bUp = log.findIndex((l) => l.startsWith("b:leader"));
  assert.ok(aDown >= 0 && bUp > aDown, log.join(" "));
  const takeover = Number(log[bUp].split("@")[1]) - stalledAt;
  assert.ok(takeover <= 3_000 + 1_000, `took ${takeover} ms`);
  await b.stop();
});

Deno.test("LeaseKeeper - stop releases the lease so a follower leads at once", async () => {
  const both = setup();
  const { clock, roles } = both;
  const [a, b] = await startBoth(both);
  await advance(clock, 100);
  await a.stop();
  assert.deepEqual(roles.a, ["leader", "follower"]);
  await advance(clock, 1_100);
  assert.deepEqual(roles.b, ["leader"]);
  await b.stop();
});

Deno.test("LeaseKeeper - a leader whose renewals hang steps down at its deadline", async () => {
  const clock = new FakeClock();
  const roles: EngineRole[] = [];
  let hang = false;
  const lease: Lease = { token: 1, holder: "a", expiresAt: 0 };
  const keeper = new LeaseKeeper({
    engine: {
      acquireLease: () => Promise.resolve(lease),
      renewLease: () =>
        hang
          ? new Promise<Lease | undefined>(() => {})
          : Promise.resolve(lease),
      releaseLease: () => Promise.resolve(),
    },
    ttlMs: 3_000,
    clock,
    onRole: (role) => roles.push(role),
  });
  keeper.start();
  await advance(clock, 100);
  assert.deepEqual(roles, ["leader"]);
  hang = true;
  await advance(clock, 1_100); // the renewal is sent and never answers
  assert.deepEqual(roles, ["leader"]);
  await advance(clock, 2_000);
  assert.deepEqual(roles, ["leader", "follower"]);
  assert.equal(keeper.role, "follower");
});

Deno.test("LeaseKeeper - a renewal that finds the lease gone steps down", async () => {
  const { clock, roles, keeper, store } = setup();
  const a = keeper("a");
  a.start();
  await advance(clock, 100);
  store.lease = { token: 99, holder: "x", expiresAt: clock.now() + 60_000 };
  await advance(clock, 1_100);
  assert.deepEqual(roles.a, ["leader", "follower"]);
  await a.stop();
});

Deno.test("LeaseKeeper - a bad ttl is a RangeError naming it", () => {
  assert.throws(
    () =>
      new LeaseKeeper({
        engine: new MemoryEngine(),
        ttlMs: 0,
        onRole: () => {},
      }),
    /ttlMs/,
  );
});
