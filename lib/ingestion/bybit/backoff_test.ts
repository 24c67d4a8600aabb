import assert from "node:assert/strict";
import {
  fullJitterDelay,
  parseRetryAfter,
  RATE_LIMIT_BACKOFF,
  rateLimitDelay,
} from "./backoff.ts";

const max = () => 0.999999;
const zero = () => 0;
const half = () => 0.5;

Deno.test("fullJitterDelay - ceiling doubles from 1 s and caps at 15 s", () => {
  const ceilings = [0, 1, 2, 3, 4, 5, 50].map((attempt) =>
    Math.round(fullJitterDelay(attempt, { random: max }))
  );
  assert.deepEqual(ceilings, [
    1_000,
    2_000,
    4_000,
    8_000,
    15_000,
    15_000,
    15_000,
  ]);
});

Deno.test("fullJitterDelay - the whole delay is random", () => {
  assert.equal(fullJitterDelay(3, { random: zero }), 0);
  assert.equal(fullJitterDelay(3, { random: half }), 4_000);
});

Deno.test("fullJitterDelay - honours base and cap options", () => {
  assert.equal(
    fullJitterDelay(10, { baseMs: 10, capMs: 100, random: half }),
    50,
  );
});

Deno.test("fullJitterDelay - huge attempts neither overflow nor go NaN", () => {
  assert.equal(fullJitterDelay(1e9, { random: half }), 7_500);
  assert.equal(fullJitterDelay(-3, { random: half }), 500);
});

Deno.test("fullJitterDelay - rejects nonsense options naming the field", () => {
  assert.throws(() => fullJitterDelay(0, { baseMs: 0 }), /baseMs/);
  assert.throws(() => fullJitterDelay(0, { baseMs: 10, capMs: 5 }), /capMs/);
});

Deno.test("rateLimitDelay - 403 stops for about 10 minutes", () => {
  assert.equal(rateLimitDelay(0, { status: 403 }, zero), 600_000);
  assert.equal(rateLimitDelay(5, { status: 403 }, half), 630_000);
});

Deno.test("rateLimitDelay - 429 and 10006 use equal jitter from 30 s to 5 min", () => {
  assert.equal(rateLimitDelay(0, { status: 429 }, zero), 15_000);
  assert.equal(rateLimitDelay(0, {}, max) <= 30_000, true);
  assert.equal(rateLimitDelay(1, {}, zero), 30_000);
  assert.equal(rateLimitDelay(20, {}, zero), RATE_LIMIT_BACKOFF.capMs / 2);
});

Deno.test("rateLimitDelay - is always much longer than ordinary backoff", () => {
  for (const status of [403, 429, undefined]) {
    assert.ok(rateLimitDelay(0, { status }, zero) > 15_000 - 1);
  }
});

Deno.test("rateLimitDelay - Retry-After wins, within 1 s and 1 h", () => {
  assert.equal(
    rateLimitDelay(0, { status: 403, retryAfterMs: 42_000 }),
    42_000,
  );
  assert.equal(rateLimitDelay(0, { status: 429, retryAfterMs: 0 }), 1_000);
  assert.equal(rateLimitDelay(0, { retryAfterMs: 1e12 }), 3_600_000);
});

Deno.test("parseRetryAfter - seconds and HTTP dates", () => {
  const now = Date.parse("2024-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(
    parseRetryAfter("Mon, 01 Jan 2024 00:00:30 GMT", now),
    30_000,
  );
  assert.equal(parseRetryAfter("Sun, 31 Dec 2023 00:00:00 GMT", now), 0);
});

Deno.test("parseRetryAfter - absent or unreadable is undefined", () => {
  const now = 0;
  for (const header of [null, "", "soon", "-5", "1.5"]) {
    assert.equal(parseRetryAfter(header, now), undefined, String(header));
  }
});
