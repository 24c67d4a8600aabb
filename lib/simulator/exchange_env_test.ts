import assert from "node:assert/strict";
import { parseExchangeEnv } from "./exchange_env.ts";

Deno.test("parseExchangeEnv - defaults: 127.0.0.1:9010, seed 42, no fault", () => {
  assert.deepEqual(parseExchangeEnv({}), {
    ok: true,
    env: {
      hostname: "127.0.0.1",
      port: 9010,
      seed: 42,
      fault: undefined,
      faultRate: undefined,
      wsFault: undefined,
      wsPushIntervalMs: 50,
      linearPushIntervalMs: 100,
      syntheticSymbols: 0,
      syntheticPerps: undefined,
    },
  });
  assert.equal(parseExchangeEnv({ SIM_PORT: " ", SIM_FAULT: "" }).ok, true);
});

Deno.test("parseExchangeEnv - reads every variable", () => {
  const result = parseExchangeEnv({
    SIM_PORT: "0",
    SIM_HOSTNAME: "::1",
    SIM_SEED: "-7",
    SIM_FAULT: "latency:1500",
    SIM_FAULT_RATE: "0.25",
    SIM_WS_FAULT: "ack-delay:200",
    SIM_WS_PUSH_MS: "100",
    SIM_LINEAR_PUSH_MS: "200",
    SIM_SYMBOLS: "600",
    SIM_PERP_SYMBOLS: "400",
  });
  assert.deepEqual(result, {
    ok: true,
    env: {
      hostname: "::1",
      port: 0,
      seed: -7,
      fault: { kind: "latency", ms: 1500 },
      faultRate: 0.25,
      wsFault: { kind: "ack-delay", ms: 200 },
      wsPushIntervalMs: 100,
      linearPushIntervalMs: 200,
      syntheticSymbols: 600,
      syntheticPerps: 400,
    },
  });
});

Deno.test("parseExchangeEnv - perpetuals only of synthetic pairs", () => {
  const result = parseExchangeEnv({
    SIM_SYMBOLS: "10",
    SIM_PERP_SYMBOLS: "11",
  });
  assert.ok(!result.ok);
  assert.match(result.problems[0], /^SIM_PERP_SYMBOLS: /);
});

Deno.test("parseExchangeEnv - one problem per bad variable, naming it and its value", () => {
  const result = parseExchangeEnv({
    SIM_PORT: "70000",
    SIM_SEED: "1.5",
    SIM_FAULT: "http418",
    SIM_HOSTNAME: "bad host",
  });
  assert.ok(!result.ok);
  assert.equal(result.problems.length, 4);
  assert.match(
    result.problems[0],
    /^SIM_PORT: expected an integer from 0 to 65535 \(got "70000"\)$/,
  );
  assert.ok(
    result.problems.some((p) => p.startsWith("SIM_SEED: expected an integer")),
  );
  assert.ok(
    result.problems.some((p) =>
      p.startsWith('SIM_FAULT: unknown fault "http418"')
    ),
  );
  assert.ok(
    result.problems.some((p) =>
      p.startsWith("SIM_HOSTNAME: expected a host name")
    ),
  );
});

Deno.test("parseExchangeEnv - a rate must be a probability and needs a fault", () => {
  const outOfRange = parseExchangeEnv({
    SIM_FAULT: "http500",
    SIM_FAULT_RATE: "2",
  });
  assert.ok(!outOfRange.ok);
  assert.deepEqual(outOfRange.problems, [
    'SIM_FAULT_RATE: expected a probability from 0 to 1 (got "2")',
  ]);
  const alone = parseExchangeEnv({ SIM_FAULT_RATE: "0.5" });
  assert.ok(!alone.ok);
  assert.deepEqual(alone.problems, [
    'SIM_FAULT_RATE: has no effect without SIM_FAULT (got "0.5")',
  ]);
});
