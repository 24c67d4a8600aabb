import assert from "node:assert/strict";
import { HttpError } from "../web/mod.ts";
import { readJsonBody } from "./json_body.ts";
import { MAX_THRESHOLD, thresholdBodySchema } from "./threshold_body.ts";

function put(body: string): Request {
  return new Request("http://127.0.0.1:8000/api/thresholds/BTC-USDT", {
    method: "PUT",
    body,
    headers: { "content-type": "application/json" },
  });
}

async function rejection(body: string): Promise<HttpError> {
  try {
    await readJsonBody(put(body), thresholdBodySchema);
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error;
  }
  assert.fail(`expected ${body} to be rejected`);
}

Deno.test("threshold body - a positive finite number is accepted", async () => {
  assert.deepEqual(
    await readJsonBody(put('{"threshold":25000000}'), thresholdBodySchema),
    { threshold: 25_000_000 },
  );
  assert.deepEqual(
    await readJsonBody(put('{"threshold":0.5}'), thresholdBodySchema),
    { threshold: 0.5 },
  );
});

Deno.test("threshold body - 1e400 (Infinity once parsed) is 400", async () => {
  const error = await rejection('{"threshold":1e400}');
  assert.equal(error.status, 400);
  assert.match(error.message, /^threshold: /);
});

Deno.test("threshold body - negative and zero are 400", async () => {
  for (const value of ["-1", "0", "-0", "-1e400"]) {
    const error = await rejection(`{"threshold":${value}}`);
    assert.equal(error.status, 400, value);
    assert.match(error.message, /^threshold: /, value);
  }
});

Deno.test("threshold body - strings, null and missing are 400", async () => {
  for (
    const body of [
      '{"threshold":"5000000"}',
      '{"threshold":null}',
      '{"threshold":true}',
      "{}",
      "5000000",
    ]
  ) {
    const error = await rejection(body);
    assert.equal(error.status, 400, body);
  }
});

Deno.test("threshold body - extra fields are 400", async () => {
  const error = await rejection('{"threshold":1000,"symbol":"ETH-USDT"}');
  assert.equal(error.status, 400);
  assert.match(error.message, /symbol/);
});

Deno.test("threshold body - above the maximum is 400, the maximum itself passes", async () => {
  assert.equal(
    (await rejection(`{"threshold":${MAX_THRESHOLD * 10}}`)).status,
    400,
  );
  assert.deepEqual(
    thresholdBodySchema.parse({ threshold: MAX_THRESHOLD }),
    { threshold: MAX_THRESHOLD },
  );
});

Deno.test("threshold body - NaN and Infinity are rejected by the schema", () => {
  for (const threshold of [NaN, Infinity, -Infinity]) {
    assert.equal(
      thresholdBodySchema.safeParse({ threshold }).success,
      false,
      String(threshold),
    );
  }
});

Deno.test("threshold body - trade and spike lines may come alone or together", async () => {
  assert.deepEqual(
    await readJsonBody(put('{"trade_threshold":5000}'), thresholdBodySchema),
    { trade_threshold: 5_000 },
  );
  assert.deepEqual(
    await readJsonBody(
      put('{"threshold":1,"trade_threshold":2,"spike_threshold":3}'),
      thresholdBodySchema,
    ),
    { threshold: 1, trade_threshold: 2, spike_threshold: 3 },
  );
});

Deno.test("threshold body - trade and spike lines are checked like the whale line", async () => {
  for (
    const [body, field] of [
      ['{"trade_threshold":0}', "trade_threshold"],
      ['{"spike_threshold":-5}', "spike_threshold"],
      ['{"spike_threshold":"9"}', "spike_threshold"],
      ['{"threshold":5,"trade_threshold":1e400}', "trade_threshold"],
    ]
  ) {
    const error = await rejection(body);
    assert.equal(error.status, 400, body);
    assert.match(error.message, new RegExp(`^${field}: `), body);
  }
});
