import assert from "node:assert/strict";
import { ReadinessError, waitForReady } from "./readiness.ts";

/** A fake clock that advances only when the code under test sleeps. */
function fakeTime() {
  let t = 0;
  return {
    now: () => t,
    sleep: (ms: number) => {
      t += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("waitForReady - resolves once the server answers 2xx", async () => {
  const time = fakeTime();
  const answers = [503, 503, 200];
  let calls = 0;
  const result = await waitForReady("http://127.0.0.1:1/api/health", {
    ...time,
    intervalMs: 100,
    fetch: () => {
      const status = answers[calls++];
      return Promise.resolve(new Response("x", { status }));
    },
  });
  assert.equal(result.attempts, 3);
  assert.equal(result.elapsedMs, 200);
});

Deno.test("waitForReady - connection errors are retried", async () => {
  const time = fakeTime();
  let calls = 0;
  const result = await waitForReady("http://127.0.0.1:1/", {
    ...time,
    fetch: () => {
      calls++;
      return calls < 4
        ? Promise.reject(new TypeError("Connection refused"))
        : Promise.resolve(new Response(null, { status: 204 }));
    },
  });
  assert.equal(result.attempts, 4);
});

Deno.test("waitForReady - gives up at the deadline with the last error", async () => {
  const time = fakeTime();
  await assert.rejects(
    waitForReady("http://127.0.0.1:1/api/health", {
      ...time,
      timeoutMs: 1_000,
      intervalMs: 250,
      fetch: () => Promise.resolve(new Response(null, { status: 500 })),
    }),
    (error: unknown) => {
      assert.ok(error instanceof ReadinessError);
      assert.equal(error.attempts, 4);
      assert.match(error.message, /HTTP 500/);
      return true;
    },
  );
});

Deno.test("waitForReady - an aborted signal stops the wait", async () => {
  const controller = new AbortController();
  const time = fakeTime();
  let calls = 0;
  await assert.rejects(
    waitForReady("http://127.0.0.1:1/", {
      ...time,
      signal: controller.signal,
      fetch: () => {
        if (++calls === 2) controller.abort();
        return Promise.reject(new TypeError("refused"));
      },
    }),
    /wait aborted/,
  );
  assert.equal(calls, 2);
});

Deno.test("waitForReady - polls a real server on port 0", async () => {
  const controller = new AbortController();
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      signal: controller.signal,
      onListen() {},
    },
    () => new Response("ok"),
  );
  try {
    const result = await waitForReady(
      `http://127.0.0.1:${server.addr.port}/api/health`,
      { timeoutMs: 5_000 },
    );
    assert.equal(result.attempts, 1);
  } finally {
    controller.abort();
    await server.finished;
  }
});
