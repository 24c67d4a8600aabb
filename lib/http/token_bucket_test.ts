import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { TokenBucketLimiter } from "./token_bucket.ts";

Deno.test("TokenBucketLimiter - allows a burst of capacity, then refuses", () => {
  const time = new FakeClock(0);
  const limiter = new TokenBucketLimiter({ capacity: 3, clock: time });
  const decisions = [1, 2, 3, 4].map(() => limiter.take("1.2.3.4"));
  assert.deepEqual(decisions.slice(0, 3), [
    { allowed: true, remaining: 2 },
    { allowed: true, remaining: 1 },
    { allowed: true, remaining: 0 },
  ]);
  assert.equal(decisions[3].allowed, false);
});

Deno.test("TokenBucketLimiter - Retry-After is the time until the next token", () => {
  const time = new FakeClock(0);
  const limiter = new TokenBucketLimiter({ capacity: 10, clock: time });
  for (let i = 0; i < 10; i++) limiter.take("ip");
  assert.deepEqual(limiter.take("ip"), {
    allowed: false,
    retryAfterSeconds: 6,
  });
  time.advance(5_000);
  assert.deepEqual(limiter.take("ip"), {
    allowed: false,
    retryAfterSeconds: 1,
  });
});

Deno.test("TokenBucketLimiter - Retry-After is at least one second", () => {
  const time = new FakeClock(0);
  const limiter = new TokenBucketLimiter({
    capacity: 1,
    windowMs: 100,
    clock: time,
  });
  limiter.take("ip");
  const decision = limiter.take("ip");
  assert.deepEqual(decision, { allowed: false, retryAfterSeconds: 1 });
});

Deno.test("TokenBucketLimiter - refills at capacity per window", () => {
  const time = new FakeClock(0);
  const limiter = new TokenBucketLimiter({ capacity: 60, clock: time });
  for (let i = 0; i < 60; i++) assert.equal(limiter.take("ip").allowed, true);
  assert.equal(limiter.take("ip").allowed, false);
  time.advance(999);
  assert.equal(limiter.take("ip").allowed, false);
  time.advance(1);
  assert.equal(limiter.take("ip").allowed, true);
  assert.equal(limiter.take("ip").allowed, false);
});

Deno.test("TokenBucketLimiter - refill never exceeds the burst size", () => {
  const time = new FakeClock(0);
  const limiter = new TokenBucketLimiter({ capacity: 2, clock: time });
  limiter.take("ip");
  time.advance(3_600_000);
  assert.deepEqual(limiter.take("ip"), { allowed: true, remaining: 1 });
  assert.deepEqual(limiter.take("ip"), { allowed: true, remaining: 0 });
  assert.equal(limiter.take("ip").allowed, false);
});

Deno.test("TokenBucketLimiter - keys are independent", () => {
  const time = new FakeClock(0);
  const limiter = new TokenBucketLimiter({ capacity: 1, clock: time });
  assert.equal(limiter.take("a").allowed, true);
  assert.equal(limiter.take("a").allowed, false);
  assert.equal(limiter.take("b").allowed, true);
});

Deno.test("TokenBucketLimiter - the table is bounded, evicting the least recently seen", () => {
  const time = new FakeClock(0);
  const limiter = new TokenBucketLimiter({
    capacity: 1,
    maxKeys: 2,
    clock: time,
  });
  limiter.take("a");
  limiter.take("b");
  limiter.take("a");
  limiter.take("c");
  assert.equal(limiter.size, 2);
  // "a" was seen after "b", so "b" went and comes back with a full bucket.
  assert.equal(limiter.take("a").allowed, false);
  limiter.take("c");
  assert.equal(limiter.take("b").allowed, true);
  for (let i = 0; i < 1_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(limiter.size, 2);
});

Deno.test("TokenBucketLimiter - rejects non-positive sizes naming them", () => {
  assert.throws(() => new TokenBucketLimiter({ capacity: 0 }), RangeError);
  assert.throws(
    () => new TokenBucketLimiter({ capacity: 1, windowMs: -1 }),
    /windowMs/,
  );
  assert.throws(
    () => new TokenBucketLimiter({ capacity: NaN }),
    /capacity/,
  );
  assert.throws(() => new TokenBucketLimiter({ capacity: 1, maxKeys: 0 }));
});

Deno.test("TokenBucketLimiter - waiting Retry-After is always enough and not a second more", () => {
  for (const capacity of [1, 3, 7, 10, 13, 120, 7_777]) {
    for (const windowMs of [1_000, 7_000, 60_000]) {
      const time = new FakeClock(1_700_000_000_000);
      const limiter = new TokenBucketLimiter({
        capacity,
        windowMs,
        clock: time,
      });
      for (let i = 0; i < capacity; i++) limiter.take("ip");
      for (const pause of [0, 1, 333, 999]) {
        time.advance(pause);
        const refused = limiter.take("ip");
        if (refused.allowed) continue;
        const label = `${capacity}/${windowMs} after ${pause}`;
        time.advance(refused.retryAfterSeconds * 1_000 - 1_000);
        if (refused.retryAfterSeconds > 1) {
          assert.equal(limiter.take("ip").allowed, false, label);
        }
        time.advance(1_000);
        assert.equal(limiter.take("ip").allowed, true, label);
      }
    }
  }
});
