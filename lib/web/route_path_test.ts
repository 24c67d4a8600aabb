import assert from "node:assert/strict";
import {
  classifyRouteFile,
  matchSegments,
  routePattern,
  splitPathname,
} from "./route_path.ts";

function pattern(file: string): string {
  const classified = classifyRouteFile(file);
  assert.ok(classified && classified.kind === "route", file);
  return routePattern(classified.segments);
}

Deno.test("classifyRouteFile - maps file names to Fresh URL patterns", () => {
  assert.equal(pattern("index.tsx"), "/");
  assert.equal(pattern("s/[symbol].tsx"), "/s/:symbol");
  assert.equal(pattern("api/rooms/index.ts"), "/api/rooms");
  assert.equal(pattern("api/rooms/[symbol].ts"), "/api/rooms/:symbol");
  assert.equal(pattern("ws/price/[symbol].ts"), "/ws/price/:symbol");
  assert.equal(pattern("docs/[...slug].tsx"), "/docs/:slug*");
  assert.equal(pattern("metrics.ts"), "/metrics");
});

Deno.test("classifyRouteFile - recognises middleware, _app and _404", () => {
  assert.deepEqual(classifyRouteFile("_middleware.ts"), {
    kind: "middleware",
    file: "_middleware.ts",
    segments: [],
  });
  assert.deepEqual(classifyRouteFile("api/_middleware.ts"), {
    kind: "middleware",
    file: "api/_middleware.ts",
    segments: [{ kind: "static", value: "api" }],
  });
  assert.equal(classifyRouteFile("_app.tsx")?.kind, "app");
  assert.equal(classifyRouteFile("_404.tsx")?.kind, "notFound");
});

Deno.test("classifyRouteFile - ignores tests and non-modules", () => {
  assert.equal(classifyRouteFile("index_test.tsx"), undefined);
  assert.equal(classifyRouteFile("api/x.test.ts"), undefined);
  assert.equal(classifyRouteFile("README.md"), undefined);
});

Deno.test("classifyRouteFile - rejects misspelt conventions", () => {
  assert.throws(() => classifyRouteFile("_midleware.ts"), /unknown special/);
  assert.throws(() => classifyRouteFile("api/_app.tsx"), /top of routes/);
  assert.throws(() => classifyRouteFile("a/[x.ts"), /malformed segment/);
  assert.throws(() => classifyRouteFile("[...a]/b.ts"), /before its end/);
});

Deno.test("splitPathname - ignores one trailing slash", () => {
  assert.deepEqual(splitPathname("/"), []);
  assert.deepEqual(splitPathname("/a/b/"), ["a", "b"]);
  assert.deepEqual(splitPathname("/a//b"), ["a", "", "b"]);
});

Deno.test("matchSegments - decodes params and refuses bad escapes", () => {
  const route = classifyRouteFile("s/[symbol].tsx");
  assert.ok(route?.kind === "route");
  assert.deepEqual(matchSegments(route.segments, ["s", "BTC%2DUSDT"]), {
    symbol: "BTC-USDT",
  });
  assert.equal(matchSegments(route.segments, ["s", "%E0%A4%A"]), undefined);
  assert.equal(matchSegments(route.segments, ["s", ""]), undefined);
  assert.equal(matchSegments(route.segments, ["s"]), undefined);
  assert.equal(matchSegments(route.segments, ["s", "a", "b"]), undefined);
  assert.deepEqual(matchSegments(route.segments, ["s", "a", "b"], true), {
    symbol: "a",
  });
});
