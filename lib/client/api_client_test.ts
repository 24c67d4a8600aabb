import assert from "node:assert/strict";
import { getJson, putThreshold } from "./api_client.ts";

Deno.test("putThreshold - sends the token and body, returns the update", async () => {
  let seen: { url: string; init?: RequestInit } | undefined;
  const result = await putThreshold(
    (url, init) => {
      seen = { url, init };
      return Promise.resolve(
        Response.json({ symbol: "BTC-USDT", threshold: 5, previous: 4 }),
      );
    },
    "BTC-USDT",
    5,
    "tok en",
  );
  assert.deepEqual(result, {
    ok: true,
    data: { symbol: "BTC-USDT", threshold: 5, previous: 4 },
  });
  assert.equal(seen?.url, "/api/thresholds/BTC-USDT");
  assert.equal(seen?.init?.method, "PUT");
  assert.equal(
    (seen?.init?.headers as Record<string, string>).authorization,
    "Bearer tok en",
  );
  assert.equal(seen?.init?.body, '{"threshold":5}');
});

Deno.test("putThreshold - surfaces the server's error and detail", async () => {
  const result = await putThreshold(
    () =>
      Promise.resolve(
        Response.json({
          error: "forbidden",
          detail: "The admin token is not valid",
        }, { status: 403 }),
      ),
    "BTC-USDT",
    5,
    "x",
  );
  assert.deepEqual(result, {
    ok: false,
    status: 403,
    error: "forbidden",
    detail: "The admin token is not valid",
  });
});

Deno.test("getJson - network failures and non-JSON errors become readable results", async () => {
  assert.deepEqual(
    await getJson(() => Promise.reject(new TypeError("x")), "/api/rooms"),
    {
      ok: false,
      status: 0,
      error: "network",
      detail: "The server cannot be reached",
    },
  );
  assert.deepEqual(
    await getJson(
      () => Promise.resolve(new Response("oops", { status: 502 })),
      "/api/rooms",
    ),
    {
      ok: false,
      status: 502,
      error: "http_502",
      detail: "The server answered HTTP 502",
    },
  );
});
