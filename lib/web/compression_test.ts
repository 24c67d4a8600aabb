import assert from "node:assert/strict";
import { acceptsGzip, gzip, isCompressible } from "./compression.ts";

const req = (encoding?: string) =>
  new Request("http://x/", {
    headers: encoding ? { "accept-encoding": encoding } : {},
  });

Deno.test("acceptsGzip - reads Accept-Encoding, honouring q=0", () => {
  assert.equal(acceptsGzip(req("gzip, deflate, br")), true);
  assert.equal(acceptsGzip(req("br;q=1.0, gzip;q=0.8")), true);
  assert.equal(acceptsGzip(req("gzip;q=0")), false);
  assert.equal(acceptsGzip(req("*")), true);
  assert.equal(acceptsGzip(req("br")), false);
  assert.equal(acceptsGzip(req()), false);
});

Deno.test("gzip - round-trips through DecompressionStream", async () => {
  const text = "sats ".repeat(1_000);
  const packed = await gzip(new TextEncoder().encode(text));
  assert.ok(packed.length < 200);
  const unpacked = await new Response(
    new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip")),
  ).text();
  assert.equal(unpacked, text);
});

Deno.test("isCompressible - text yes, images no", () => {
  assert.equal(isCompressible("text/css; charset=utf-8"), true);
  assert.equal(isCompressible("image/svg+xml"), true);
  assert.equal(isCompressible("application/json; charset=utf-8"), true);
  assert.equal(isCompressible("image/png"), false);
});
