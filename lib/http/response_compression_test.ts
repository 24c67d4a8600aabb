import assert from "node:assert/strict";
import { compressResponse, MIN_GZIP_BYTES } from "./response_compression.ts";

const json = (body: string, headers: Record<string, string> = {}) =>
  new Response(body, {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

async function gunzip(response: Response): Promise<string> {
  const stream = response.body!.pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

const big = JSON.stringify({ items: Array.from({ length: 400 }, (_, i) => i) });

Deno.test("compressResponse - a JSON answer from 1 KB is gzipped, status and headers kept", async () => {
  assert.ok(big.length >= MIN_GZIP_BYTES);
  const response = await compressResponse(
    new Response(big, {
      status: 201,
      headers: { "content-type": "application/json", "x-kept": "yes" },
    }),
    true,
  );
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("content-encoding"), "gzip");
  assert.equal(response.headers.get("vary"), "accept-encoding");
  assert.equal(response.headers.get("x-kept"), "yes");
  assert.equal(await gunzip(response), big);
});

Deno.test("compressResponse - a small answer, or a client without gzip, gets the text as it was", async () => {
  const small = await compressResponse(json('{"status":"ok"}'), true);
  assert.equal(small.headers.get("content-encoding"), null);
  assert.equal(small.headers.get("vary"), "accept-encoding");
  assert.equal(await small.text(), '{"status":"ok"}');
  const plain = await compressResponse(json(big), false);
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.equal(plain.headers.get("vary"), "accept-encoding");
  assert.equal(await plain.text(), big);
});

Deno.test("compressResponse - a download streams gzipped, whatever its size", async () => {
  const chunks = ["id,kind\n", "a,whale\n"];
  const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(new TextEncoder().encode(chunk));
      }
      controller.close();
    },
  });
  const response = await compressResponse(
    new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="alerts.csv"',
      },
    }),
    true,
  );
  assert.equal(response.headers.get("content-encoding"), "gzip");
  assert.equal(await gunzip(response), chunks.join(""));
});

Deno.test("compressResponse - empty answers, binary, untyped, encoded and already negotiated bodies pass untouched", async () => {
  const untouched = [
    new Response(null, { status: 204 }),
    new Response(null, { status: 304, headers: { etag: '"x"' } }),
    new Response(new Uint8Array(4_096), {
      headers: { "content-type": "image/png" },
    }),
    new Response(big, {
      headers: { "content-type": "text/html", "content-encoding": "gzip" },
    }),
    new Response(new TextEncoder().encode(big)),
    // The runtime chose already (a static file under its own threshold).
    new Response(big, {
      headers: { "content-type": "text/css", vary: "Accept-Encoding" },
    }),
  ];
  for (const response of untouched) {
    assert.equal(await compressResponse(response, true), response);
  }
});
