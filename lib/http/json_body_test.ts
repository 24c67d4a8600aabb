import assert from "node:assert/strict";
import { z } from "zod";
import { HttpError } from "../web/mod.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { MAX_JSON_BODY_BYTES, readJsonBody } from "./json_body.ts";

const schema = z.object({ name: z.string(), count: z.number() }).strict();

function post(
  body: BodyInit | null,
  headers: Record<string, string> = { "content-type": "application/json" },
): Request {
  return new Request("http://127.0.0.1:8000/api/x", {
    method: "PUT",
    body,
    headers,
  });
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error;
  }
  assert.fail("expected an HttpError");
}

/** A body streamed in chunks with no Content-Length. */
function streamed(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

Deno.test("readJsonBody - a valid body is parsed and typed", async () => {
  const value = await readJsonBody(
    post('{"name":"a","count":2}', {
      "content-type": "application/json; charset=utf-8",
    }),
    schema,
  );
  assert.deepEqual(value, { name: "a", count: 2 });
});

Deno.test("readJsonBody - a non-JSON content type is 415", async () => {
  for (
    const type of [
      undefined,
      "text/plain",
      "application/x-www-form-urlencoded",
      "text/json",
      "application/json-seq",
      "application/json+x",
      "application/jsonx; charset=utf-8",
    ]
  ) {
    const headers: Record<string, string> = type
      ? { "content-type": type }
      : {};
    const error = await failure(
      readJsonBody(post('{"name":"a","count":2}', headers), schema),
    );
    assert.equal(error.status, 415, String(type));
  }
});

Deno.test("readJsonBody - application/json with parameters is accepted", async () => {
  for (
    const type of [
      "application/json",
      "Application/JSON",
      "application/json;charset=utf-8",
      "application/json ; charset=utf-8",
    ]
  ) {
    const value = await readJsonBody(
      post('{"name":"a","count":2}', { "content-type": type }),
      schema,
    );
    assert.deepEqual(value, { name: "a", count: 2 }, type);
  }
});

Deno.test("readJsonBody - a declared Content-Length over the cap is 413", async () => {
  const error = await failure(
    readJsonBody(
      post("{}", {
        "content-type": "application/json",
        "content-length": String(MAX_JSON_BODY_BYTES + 1),
      }),
      schema,
    ),
  );
  assert.equal(error.status, 413);
  assert.equal(error.code, "body_too_large");
});

Deno.test("readJsonBody - a streamed body over the cap is 413 without a length", async () => {
  const chunk = " ".repeat(1024);
  const error = await failure(
    readJsonBody(post(streamed([chunk, chunk, chunk])), schema, {
      maxBytes: 2048,
    }),
  );
  assert.equal(error.status, 413);
});

Deno.test("readJsonBody - a streamed body at the cap is read whole", async () => {
  const json = '{"name":"a","count":1}';
  const value = await readJsonBody(
    post(streamed([json.slice(0, 5), json.slice(5)])),
    schema,
    { maxBytes: json.length },
  );
  assert.deepEqual(value, { name: "a", count: 1 });
});

Deno.test("readJsonBody - malformed JSON is 400", async () => {
  for (const body of ["{", "", "{'name':1}", "NaN", '{"count":1}}']) {
    const error = await failure(readJsonBody(post(body), schema));
    assert.equal(error.status, 400, body);
    assert.equal(error.code, "malformed_json", body);
  }
});

Deno.test("readJsonBody - a schema mismatch is 400 naming the field", async () => {
  const error = await failure(
    readJsonBody(post('{"name":"a","count":"2"}'), schema),
  );
  assert.equal(error.status, 400);
  assert.equal(error.code, "invalid_body");
  assert.match(error.message, /^count: /);
});

Deno.test("readJsonBody - a non-object body is reported against the body", async () => {
  const error = await failure(readJsonBody(post("[1,2]"), schema));
  assert.equal(error.status, 400);
  assert.match(error.message, /^body: /);
});

/** A body that sends `first` and then neither ends nor fails. */
function stalled(first: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
  });
}

Deno.test("readJsonBody - a body that stops arriving is 408 once timeoutMs has passed", async () => {
  const clock = new FakeClock();
  let settled = false;
  const reading = failure(
    readJsonBody(post(stalled('{"name":')), schema, {
      timeoutMs: 1_000,
      clock,
    }),
  ).finally(() => settled = true);
  await clock.settle();
  clock.advance(999);
  await clock.settle();
  assert.equal(settled, false, "still waiting before the deadline");
  clock.advance(1);
  const error = await reading;
  assert.equal(error.status, 408);
  assert.equal(error.code, "request_timeout");
  assert.equal(error.headers.connection, "close");
});

Deno.test("readJsonBody - the body deadline is cleared once the body is read", async () => {
  const clock = new FakeClock();
  await readJsonBody(post('{"name":"a","count":2}'), schema, { clock });
  assert.deepEqual(clock.pending(), []);
});

Deno.test("readJsonBody - a body the client cut off is a 400, not an internal error", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"name":'));
      controller.error(
        new Deno.errors.BadResource(
          "Cannot read request body as underlying resource unavailable",
        ),
      );
    },
  });
  const error = await failure(readJsonBody(post(body), schema));
  assert.equal(error.status, 400);
  assert.equal(error.code, "incomplete_body");
});
