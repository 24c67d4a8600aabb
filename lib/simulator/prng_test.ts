import assert from "node:assert/strict";
import { SeededRandom } from "./prng.ts";

function draws(random: SeededRandom, n: number): number[] {
  return Array.from({ length: n }, () => random.next());
}

Deno.test("SeededRandom - the same seed gives the same stream", () => {
  assert.deepEqual(
    draws(new SeededRandom(7), 50),
    draws(new SeededRandom(7), 50),
  );
  assert.notDeepEqual(
    draws(new SeededRandom(7), 50),
    draws(new SeededRandom(8), 50),
  );
});

Deno.test("SeededRandom - uniform draws stay in [0, 1) and spread evenly", () => {
  const values = draws(new SeededRandom(1), 20_000);
  assert.ok(values.every((v) => v >= 0 && v < 1));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  const low = values.filter((v) => v < 0.1).length / values.length;
  assert.ok(Math.abs(low - 0.1) < 0.01, `share below 0.1: ${low}`);
});

Deno.test("SeededRandom - gaussian draws have mean 0 and deviation 1", () => {
  const random = new SeededRandom(2);
  const values = Array.from({ length: 20_000 }, () => random.gaussian());
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(
    values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length,
  );
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.03, `sd ${sd}`);
});

Deno.test("SeededRandom - poisson draws average lambda; zero lambda draws nothing", () => {
  const random = new SeededRandom(3);
  const values = Array.from({ length: 20_000 }, () => random.poisson(0.4));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(mean - 0.4) < 0.02, `mean ${mean}`);
  assert.equal(random.poisson(0), 0);
});

Deno.test("SeededRandom - log-uniform draws stay within their bounds", () => {
  const random = new SeededRandom(4);
  for (let i = 0; i < 1000; i++) {
    const v = random.logUniform(1_000, 10_000);
    assert.ok(v >= 1_000 && v < 10_000, String(v));
  }
});

Deno.test("SeededRandom - forks are reproducible and differ from the parent", () => {
  const a = new SeededRandom(5);
  const b = new SeededRandom(5);
  const forkA = a.fork();
  assert.deepEqual(draws(forkA, 10), draws(b.fork(), 10));
  assert.notDeepEqual(draws(a, 10), draws(new SeededRandom(5).fork(), 10));
});

Deno.test("SeededRandom - rejects a seed that is not an integer", () => {
  assert.throws(() => new SeededRandom(1.5), RangeError);
  assert.throws(() => new SeededRandom(NaN), RangeError);
});
