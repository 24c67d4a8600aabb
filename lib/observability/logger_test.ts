import assert from "node:assert/strict";
import { createLogger, type LoggerOptions } from "./logger.ts";

const T0 = Date.UTC(2024, 4, 6, 7, 8, 9, 10);

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    write: (line) => lines.push(line),
    now: () => T0,
    ...options,
  });
  const records = () =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

Deno.test("logger - writes one JSON object per line with time, level and msg", () => {
  const { logger, lines, records } = capture();
  logger.info("Listening", { url: "http://127.0.0.1:8000", port: 8000 });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes("\n"));
  assert.deepEqual(records()[0], {
    time: "2024-05-06T07:08:09.010Z",
    level: "info",
    msg: "Listening",
    url: "http://127.0.0.1:8000",
    port: 8000,
  });
});

Deno.test("logger - the default level is info", () => {
  const { logger, records } = capture();
  logger.debug("hidden");
  logger.info("shown");
  assert.deepEqual(records().map((r) => r.msg), ["shown"]);
});

Deno.test("logger - lines below the level are dropped", () => {
  const { logger, records } = capture({ level: "warn" });
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  assert.deepEqual(records().map((r) => r.level), ["warn", "error"]);
});

Deno.test("logger - debug level writes everything", () => {
  const { logger, records } = capture({ level: "debug" });
  logger.debug("d");
  logger.error("e");
  assert.deepEqual(records().map((r) => r.level), ["debug", "error"]);
});

Deno.test("logger - secret-looking keys are redacted", () => {
  const { logger, lines, records } = capture();
  logger.warn("Request", {
    token: "t0ken-value",
    adminToken: "admin-value",
    Authorization: "Bearer abc-value",
    password: "pw-value",
    client_secret: "secret-value",
    cookie: "sid=cookie-value",
    ip: "10.0.0.1",
  });
  for (
    const leaked of [
      "t0ken",
      "admin-value",
      "abc-value",
      "pw-value",
      "secret-value",
      "cookie-value",
    ]
  ) {
    assert.ok(!lines[0].includes(leaked), leaked);
  }
  assert.equal(records()[0].token, "[redacted]");
  assert.equal(records()[0].ip, "10.0.0.1");
});

Deno.test("logger - secret-looking keys nested in fields are redacted", () => {
  const { logger, lines, records } = capture();
  logger.error("Request failed", {
    request: { headers: { authorization: "Bearer nested-value" } },
    attempts: [{ token: "listed-value" }],
  });
  assert.ok(!lines[0].includes("nested-value"), lines[0]);
  assert.ok(!lines[0].includes("listed-value"), lines[0]);
  assert.deepEqual(records()[0].request, {
    headers: { authorization: "[redacted]" },
  });
});

Deno.test("logger - an Error is serialised with name and message", () => {
  const { logger, records } = capture();
  logger.error("Request failed", { error: new TypeError("Bad thing") });
  assert.deepEqual(records()[0].error, {
    name: "TypeError",
    message: "Bad thing",
  });
});

Deno.test("logger - a nested Error is serialised too", () => {
  const { logger, records } = capture();
  logger.error("Failed", { detail: { cause: new RangeError("Out") } });
  assert.deepEqual(records()[0].detail, {
    cause: { name: "RangeError", message: "Out" },
  });
});

Deno.test("logger - a circular or bigint field never makes logging throw", () => {
  const { logger, records } = capture();
  const loop: Record<string, unknown> = { name: "loop" };
  loop.self = loop;
  logger.info("Odd fields", { loop, big: 10n });
  assert.equal(records().length, 1);
  assert.equal(records()[0].big, "10");
});

Deno.test("logger - dates keep their ISO form", () => {
  const { logger, records } = capture();
  logger.info("When", { at: new Date(T0) });
  assert.equal(records()[0].at, "2024-05-06T07:08:09.010Z");
});
