import assert from "node:assert/strict";
import { classifyRouteFile, type RouteSegment } from "./route_path.ts";
import { Router } from "./router.ts";

function segments(file: string): readonly RouteSegment[] {
  const classified = classifyRouteFile(file);
  assert.ok(
    classified?.kind === "route" || classified?.kind === "middleware",
    file,
  );
  return classified.segments;
}

function routerOf(files: string[], middleware: string[] = []) {
  return new Router(
    files.map((file) => ({ segments: segments(file), value: file })),
    middleware.map((file) => ({ segments: segments(file), value: file })),
  );
}

Deno.test("Router - static routes win over params, params over rest", () => {
  const router = routerOf([
    "docs/[...slug].tsx",
    "docs/[page].tsx",
    "docs/intro.tsx",
  ]);
  assert.equal(router.match("/docs/intro").route?.value, "docs/intro.tsx");
  assert.deepEqual(router.match("/docs/other").route, {
    value: "docs/[page].tsx",
    params: { page: "other" },
  });
  assert.deepEqual(router.match("/docs/a/b").route, {
    value: "docs/[...slug].tsx",
    params: { slug: "a/b" },
  });
});

Deno.test("Router - index routes serve their folder, with or without slash", () => {
  const router = routerOf(["index.tsx", "api/rooms/index.ts"]);
  assert.equal(router.match("/").route?.value, "index.tsx");
  assert.equal(router.match("/api/rooms").route?.value, "api/rooms/index.ts");
  assert.equal(router.match("/api/rooms/").route?.value, "api/rooms/index.ts");
  assert.equal(router.match("/api").route, undefined);
});

Deno.test("Router - middleware applies by folder, outermost first, also to 404s", () => {
  const router = routerOf(
    ["api/symbols.ts", "index.tsx"],
    ["api/_middleware.ts", "_middleware.ts", "api/[x]/_middleware.ts"],
  );
  assert.deepEqual(router.match("/api/symbols").middleware, [
    "_middleware.ts",
    "api/_middleware.ts",
    "api/[x]/_middleware.ts",
  ]);
  const missing = router.match("/api");
  assert.equal(missing.route, undefined);
  assert.deepEqual(missing.middleware, [
    "_middleware.ts",
    "api/_middleware.ts",
  ]);
  assert.deepEqual(router.match("/").middleware, ["_middleware.ts"]);
});

Deno.test("Router - a repeated path reuses its match, frozen", () => {
  const router = routerOf(["ws/price/[symbol].ts"], ["_middleware.ts"]);
  const first = router.match("/ws/price/BTC-USDT");
  assert.equal(router.match("/ws/price/BTC-USDT"), first);
  assert.ok(Object.isFrozen(first.route?.params));
  assert.deepEqual(router.match("/ws/price/ETH-USDT").route?.params, {
    symbol: "ETH-USDT",
  });
  for (let i = 0; i < 600; i++) router.match(`/ws/price/S${i}`);
  assert.deepEqual(router.match("/ws/price/BTC-USDT").route?.params, {
    symbol: "BTC-USDT",
  });
});
