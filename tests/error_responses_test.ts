/**
 * The error responses on the wire, byte for byte: status, every header but
 * `date`, and the JSON body. These pin what clients see whichever layer the
 * error comes from (the router's 404 and 405, a route's 400, the edge's 429,
 * an unexpected failure's 500), so refactoring the error path cannot change
 * them unnoticed — on both socket layers. Hop-by-hop headers (`connection`,
 * `keep-alive`: `node:http` announces its keep-alive deadline) belong to the
 * connection, not to the answer, and are left out.
 */
import assert from "node:assert/strict";
import { startStack } from "./support/start_stack.ts";
import { layerTest } from "./support/layer_test.ts";

const SECURITY = {
  "content-security-policy":
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  "cross-origin-opener-policy": "same-origin",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};
/** JSON answers may be gzipped (from 1 KB), so every one varies by encoding. */
const JSON_TYPE = {
  "content-type": "application/json; charset=utf-8",
  vary: "accept-encoding",
};

interface Wire {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

async function wire(url: string, init?: RequestInit): Promise<Wire> {
  const response = await fetch(url, init);
  const headers = Object.fromEntries(
    [...response.headers].filter(([name]) =>
      !["date", "content-length", "connection", "keep-alive"].includes(name)
    ),
  );
  return { status: response.status, headers, body: await response.json() };
}

layerTest(
  "error responses - router 404 and 405, route 400: status, headers and body",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    const base = stack.service.url;
    try {
      assert.deepEqual(await wire(`${base}/api/nope`), {
        status: 404,
        headers: { ...JSON_TYPE, ...SECURITY },
        body: { error: "not_found", detail: "No route matches GET /api/nope" },
      });
      assert.deepEqual(await wire(`${base}/nope`), {
        status: 404,
        headers: { ...JSON_TYPE, ...SECURITY },
        body: { error: "not_found", detail: "No route matches GET /nope" },
      });
      assert.deepEqual(await wire(`${base}/api/health`, { method: "DELETE" }), {
        status: 405,
        headers: { allow: "GET, HEAD", ...JSON_TYPE, ...SECURITY },
        body: {
          error: "method_not_allowed",
          detail: "DELETE is not allowed on /api/health; use GET, HEAD",
        },
      });
      assert.deepEqual(await wire(`${base}/api/alerts?limit=0`), {
        status: 400,
        headers: { ...JSON_TYPE, ...SECURITY },
        body: {
          error: "invalid_query",
          detail: "limit: expected an integer from 1 to 500",
        },
      });
      assert.deepEqual(await wire(`${base}/api/alerts?__proto__=1`), {
        status: 400,
        headers: { ...JSON_TYPE, ...SECURITY },
        body: { error: "invalid_query", detail: "unknown parameter __proto__" },
      });
      assert.deepEqual(await wire(`${base}/api/alerts?symbol=DOGE-USDT`), {
        status: 404,
        headers: { ...JSON_TYPE, ...SECURITY },
        body: {
          error: "unknown_symbol",
          detail:
            "DOGE-USDT is not tracked; tracked symbols: BTC-USDT, ETH-USDT, SOL-USDT, 1000SATS-USDT",
        },
      });
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "error responses - the edge's 429 keeps Retry-After and the security headers",
  async (layer) => {
    const stack = await startStack({
      socketLayer: layer,
      env: { API_RATE_LIMIT_PER_MINUTE: "1" },
    });
    const base = stack.service.url;
    try {
      await (await fetch(`${base}/api/health`)).body?.cancel();
      assert.deepEqual(await wire(`${base}/api/health`), {
        status: 429,
        headers: { "retry-after": "60", ...JSON_TYPE, ...SECURITY },
        body: {
          error: "rate_limited",
          detail: "Too many requests; retry in 60 s",
        },
      });
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "error responses - an unexpected failure is a logged 500 that leaks nothing",
  async (layer) => {
    const stack = await startStack({ socketLayer: layer });
    const base = stack.service.url;
    try {
      stack.service.services.health = () => {
        throw new Error("postgres://admin:hunter2@db");
      };
      assert.deepEqual(await wire(`${base}/api/health`), {
        status: 500,
        headers: { ...JSON_TYPE, ...SECURITY },
        body: {
          error: "internal_error",
          detail: "The server could not complete the request",
        },
      });
      const logged = stack.logs.filter((line) => line.level === "error");
      assert.equal(logged.length, 1);
      assert.match(JSON.stringify(logged[0]), /hunter2/);
      assert.deepEqual(
        stack.logs.filter((line) =>
          line.level === "error" && JSON.stringify(line).includes("not_found")
        ),
        [],
      );
    } finally {
      await stack.stop();
    }
  },
);
