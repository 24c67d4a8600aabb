import assert from "node:assert/strict";
import {
  marketBenchSchema,
  marketLoadSchema,
  MarketOptionsError,
  parseFlags,
} from "./market_options.ts";

Deno.test("parseFlags - the issue's scenario by default", () => {
  assert.deepEqual(parseFlags([], marketBenchSchema), {
    symbols: 600,
    perps: 395,
    overview: 100,
    detail: 1_000,
    detailSymbols: 1,
    duration: 60,
    rssEvery: 10,
    page: 60,
    only: "all",
    profile: false,
  });
});

Deno.test("parseFlags - --only=screener runs the page check alone; nothing else is taken", () => {
  assert.equal(
    parseFlags(["--only=screener"], marketBenchSchema).only,
    "screener",
  );
  assert.throws(
    () => parseFlags(["--only=load"], marketBenchSchema),
    (e) => e instanceof MarketOptionsError && /--only/.test(e.message),
  );
});

Deno.test("parseFlags - kebab-case flags, and every bad one named", () => {
  const options = parseFlags(
    ["--detail-symbols=8", "--duration=600", "--profile"],
    marketBenchSchema,
  );
  assert.equal(options.detailSymbols, 8);
  assert.equal(options.duration, 600);
  assert.equal(options.profile, true);
  assert.throws(
    () => parseFlags(["--duration=-1", "--nope=1"], marketBenchSchema),
    (e) => e instanceof MarketOptionsError && /--duration/.test(e.message),
  );
  assert.throws(() => parseFlags(["x"], marketBenchSchema), /--name=value/);
  assert.equal(
    parseFlags(["--v8-flags=--max-old-space-size=256"], marketBenchSchema)
      .v8Flags,
    "--max-old-space-size=256",
  );
  assert.throws(
    () => parseFlags(["--v8-flags=x", "--rss-every=0"], marketBenchSchema),
    (e) =>
      e instanceof MarketOptionsError && /^--v8-flags: /m.test(e.message) &&
      /^--rss-every: /m.test(e.message),
  );
  const load = parseFlags(
    ["--url=http://127.0.0.1:1", "--channels=A,B"],
    marketLoadSchema,
  );
  assert.deepEqual(load.channels, ["A", "B"]);
});
