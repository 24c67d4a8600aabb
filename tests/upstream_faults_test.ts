/**
 * Every fault the simulator can inject leaves the service serving, with
 * diagnostics saying what happened; it recovers on its own once the fault ends.
 */
import assert from "node:assert/strict";
import type { MetricsResponse } from "../lib/protocol/api_types.ts";
import type { ServerFrame } from "../lib/protocol/frames.ts";
import { connectClient } from "./support/ws_client.ts";
import {
  pollUntil,
  readDiagnostics,
  readMetrics,
  type Stack,
  startStack,
} from "./support/start_stack.ts";

async function assertServing(stack: Stack) {
  const health = await fetch(`${stack.service.url}/api/health`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
}

const failingCycles: [fault: string, kind: string][] = [
  ["http500", "http"],
  ["http502", "http"],
  ["http503", "http"],
  ["retcode10000", "ret-code"],
  ["retcode10001", "ret-code"],
  ["retcode10016", "ret-code"],
  ["malformed", "malformed-json"],
  ["null-list", "invalid-envelope"],
  ["timeout", "timeout"],
];

for (const [fault, kind] of failingCycles) {
  Deno.test(`upstream faults - ${fault} is reported as ${kind} and recovered from`, async () => {
    const stack = await startStack({
      env: { CONNECTION_TIMEOUT_SECONDS: "0.5" },
    });
    try {
      await pollUntil(
        async () => (await readDiagnostics(stack)).upstream.last_success,
        "first success",
      );
      stack.exchange.exchange.setFault(fault, { count: 2 });
      const failing = await pollUntil(async () => {
        const d = await readDiagnostics(stack);
        return d.upstream.consecutive_failures >= 1 ? d : undefined;
      }, `a failure from ${fault}`);
      assert.ok(
        failing.upstream.last_error?.startsWith(`${kind}:`),
        failing.upstream.last_error ?? "",
      );
      assert.equal(failing.status, "degraded");
      await assertServing(stack);
      const recovered = await pollUntil(
        async () => {
          const d = await readDiagnostics(stack);
          return d.upstream.consecutive_failures === 0 ? d : undefined;
        },
        `recovery from ${fault}`,
        20_000,
      );
      assert.equal(recovered.upstream.stalled, false);
      const metrics: MetricsResponse = await readMetrics(stack);
      assert.ok(metrics.upstream_errors >= 1);
    } finally {
      await stack.stop();
    }
  });
}

for (const fault of ["http403", "http429", "retcode10006"]) {
  Deno.test(`upstream faults - ${fault} is a rate limit and backs off for long`, async () => {
    const stack = await startStack();
    try {
      await pollUntil(
        async () => (await readDiagnostics(stack)).upstream.last_success,
        "first success",
      );
      stack.exchange.exchange.setFault(fault);
      const limited = await pollUntil(async () => {
        const d = await readDiagnostics(stack);
        return d.upstream.last_error?.startsWith("rate-limited:")
          ? d
          : undefined;
      }, `a rate-limit report from ${fault}`);
      assert.ok(
        (limited.upstream.next_attempt_in_ms ?? 0) > 5_000,
        `next attempt in ${limited.upstream.next_attempt_in_ms} ms`,
      );
      await assertServing(stack);
      const requestsAtLimit = stack.exchange.exchange.state().requests.tickers;
      const again = await readDiagnostics(stack);
      assert.equal(
        again.upstream.consecutive_failures,
        limited.upstream.consecutive_failures,
      );
      assert.ok(
        stack.exchange.exchange.state().requests.tickers <= requestsAtLimit + 1,
        "no tight retry loop",
      );
    } finally {
      await stack.stop();
    }
  });
}

for (const fault of ["missing-field", "empty-field", "bad-number"]) {
  Deno.test(`upstream faults - ${fault} rejects one item while the others keep flowing`, async () => {
    const stack = await startStack();
    try {
      const client = await connectClient(`${stack.wsUrl}/ws/stream`);
      await client.waitFor((f) => f.type === "tick");
      stack.exchange.exchange.setFault(fault);
      await pollUntil(async () => {
        const m: MetricsResponse = await readMetrics(stack);
        return m.items_rejected >= 2;
      }, "rejected items to be counted");
      const before = client.frames.length;
      await client.waitForCount(
        (f: ServerFrame) => f.type === "tick",
        before + 10,
      );
      const d = await readDiagnostics(stack);
      assert.equal(d.upstream.consecutive_failures, 0);
      await client.close();
    } finally {
      await stack.stop();
    }
  });
}

Deno.test("upstream faults - a symbol the exchange does not list is reported unavailable", async () => {
  const stack = await startStack();
  try {
    stack.exchange.exchange.setFault("unlisted:SOLUSDT");
    const d = await pollUntil(async () => {
      const current = await readDiagnostics(stack);
      return current.symbols.find((s) => s.symbol === "SOL-USDT")?.available ===
          false
        ? current
        : undefined;
    }, "SOL-USDT to be reported unavailable");
    assert.equal(d.status, "degraded");
    assert.equal(
      d.symbols.find((s) => s.symbol === "BTC-USDT")?.available,
      true,
    );
    const symbols = await (await fetch(`${stack.service.url}/api/symbols`))
      .json();
    assert.equal(
      symbols.symbols.find((s: { symbol: string }) => s.symbol === "SOL-USDT")
        .available,
      false,
    );
  } finally {
    await stack.stop();
  }
});
