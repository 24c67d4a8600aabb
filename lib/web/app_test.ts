import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import type { ErrorHandler } from "./error_handler.ts";
import { HttpError } from "./http_error.ts";
import { deserializeProps } from "./island_props.ts";
import type { IslandPayload } from "./island_protocol.ts";
import type { FixtureState } from "./testdata/app/state.ts";
import { response as sameResponse } from "./testdata/app/routes/api/same.ts";

const ROOT = new URL("./testdata/app/", import.meta.url);
const INFO: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
};

const quiet = { info() {}, warn() {}, error() {} };

async function fixtureApp(
  bundles: "none" | "ensure" = "none",
  outDir?: URL,
  onError?: ErrorHandler,
) {
  const errors: Record<string, unknown>[] = [];
  const app = await createApp<FixtureState>({
    root: ROOT,
    state: () => ({ trail: [] }),
    bundles,
    logger: { ...quiet, error: (_m, fields) => errors.push(fields ?? {}) },
    outDir,
    onError,
  });
  const request = (path: string, init: RequestInit = {}) =>
    app.handler(new Request(`http://localhost${path}`, init), INFO);
  return { app, request, errors };
}

const HTML = { headers: { accept: "text/html" } };

Deno.test("createApp - discovers routes, most specific first", async () => {
  const { app } = await fixtureApp();
  assert.deepEqual(app.routes, [
    "/",
    "/plain",
    "/api/boom",
    "/api/same",
    "/api/echo/:name",
    "/s/:symbol",
  ]);
});

Deno.test("createApp - middleware runs outermost first and sees params", async () => {
  const { request } = await fixtureApp();
  const response = await request("/api/echo/a%20b");
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    name: "a b",
    trail: ["root", "api1", "api2"],
  });
  assert.equal(response.headers.get("x-trail"), "root,api1,api2");
});

Deno.test("createApp - unknown methods answer 405 with Allow", async () => {
  const { request } = await fixtureApp();
  const response = await request("/api/echo/x", { method: "DELETE" });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "GET, HEAD, PUT");
  const body = await response.json();
  assert.equal(body.error, "method_not_allowed");
  assert.match(body.detail, /DELETE is not allowed on \/api\/echo\/:name/);
  assert.equal((await request("/plain", { method: "POST" })).status, 405);
});

Deno.test("createApp - HEAD falls back to GET", async () => {
  const { request } = await fixtureApp();
  const response = await request("/api/echo/x", { method: "HEAD" });
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

Deno.test("createApp - unmatched paths: JSON under /api, the _404 page for browsers", async () => {
  const { request } = await fixtureApp();
  const api = await request("/api/nope", HTML);
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error, "not_found");
  assert.equal(api.headers.get("x-trail"), "root,api1,api2");

  const page = await request("/nope", HTML);
  assert.equal(page.status, 404);
  assert.match(page.headers.get("content-type")!, /text\/html/);
  assert.match(await page.text(), /Nothing at \/nope/);

  const curl = await request("/nope");
  assert.equal((await curl.json()).error, "not_found");
});

Deno.test("createApp - ctx.renderNotFound renders _404 from a page handler", async () => {
  const { request } = await fixtureApp();
  const found = await request("/s/BTC-USDT", HTML);
  assert.equal(found.status, 200);
  assert.match(await found.text(), /<h1>BTC-USDT<\/h1>/);
  const missing = await request("/s/NOPE-USDT", HTML);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /Nothing at \/s\/NOPE-USDT/);
});

Deno.test("createApp - errors travel up through middleware; escaped ones are a bare 500", async () => {
  const { request, errors } = await fixtureApp();
  const handled = await request("/api/boom", { method: "POST" });
  assert.equal(handled.status, 418);
  await handled.body?.cancel();

  const escaped = await request("/api/boom");
  assert.equal(escaped.status, 500);
  const text = await escaped.text();
  assert.ok(!text.includes("secret"), text);
  assert.deepEqual(JSON.parse(text), {
    error: "internal_error",
    detail: "The server could not complete the request",
  });
  assert.equal(errors.length, 1);
  assert.match(String(errors[0].error), /secret internal detail/);
});

Deno.test("createApp - 404, 405 and escaped errors all go to the one error handler", async () => {
  const seen: unknown[] = [];
  const { request, errors } = await fixtureApp("none", undefined, (error) => {
    seen.push(error);
    return new Response("handled once", { status: 599 });
  });
  const notFound = await request("/api/nope");
  assert.equal(notFound.status, 599);
  assert.equal(notFound.headers.get("x-trail"), "root,api1,api2");
  await notFound.body?.cancel();
  const method = await request("/api/echo/x", { method: "DELETE" });
  assert.equal(method.status, 599);
  await method.body?.cancel();
  const escaped = await request("/api/boom");
  assert.equal(escaped.status, 599);
  await escaped.body?.cancel();

  assert.equal(seen.length, 3);
  const [missing, wrongMethod, boom] = seen;
  assert.ok(missing instanceof HttpError);
  assert.equal(missing.status, 404);
  assert.equal(missing.message, "No route matches GET /api/nope");
  assert.ok(wrongMethod instanceof HttpError);
  assert.equal(wrongMethod.status, 405);
  assert.deepEqual(wrongMethod.headers, { allow: "GET, HEAD, PUT" });
  assert.ok(boom instanceof Error && boom.message === "secret internal detail");
  assert.deepEqual(errors, [], "the custom handler decides what is logged");
});

Deno.test("createApp - the default handler answers 404/405 quietly and logs only the 500", async () => {
  const { request, errors } = await fixtureApp();
  const notFound = await request("/api/nope");
  assert.deepEqual(await notFound.json(), {
    error: "not_found",
    detail: "No route matches GET /api/nope",
  });
  const method = await request("/plain", { method: "POST" });
  assert.equal(method.headers.get("allow"), "GET, HEAD");
  assert.deepEqual(await method.json(), {
    error: "method_not_allowed",
    detail: "POST is not allowed on /plain; use GET, HEAD",
  });
  assert.equal(errors.length, 0);
  await (await request("/api/boom")).body?.cancel();
  assert.equal(errors.length, 1);
  assert.equal(errors[0].path, "/api/boom");
});

Deno.test("createApp - a handler's Response is returned as the very same object", async () => {
  const { request } = await fixtureApp();
  assert.equal(await request("/api/same"), sameResponse);
});

Deno.test("createApp - static files carry an ETag and answer 304 when unchanged", async () => {
  const { request } = await fixtureApp();
  const first = await request("/styles.css");
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("content-type"), "text/css; charset=utf-8");
  assert.equal(first.headers.get("cache-control"), "no-cache");
  assert.match(await first.text(), /color/);
  const etag = first.headers.get("etag")!;
  assert.match(etag, /^"[0-9a-f]{24}"$/);
  const second = await request("/styles.css", {
    headers: { "if-none-match": etag },
  });
  assert.equal(second.status, 304);
  assert.equal(second.headers.get("x-trail"), "root");
  const nested = await request("/img/dot.svg");
  assert.equal(nested.headers.get("content-type"), "image/svg+xml");
  await nested.body?.cancel();
  assert.equal((await request("/img/../styles.css")).status, 200);
  assert.equal((await request("/../deno.json")).status, 404);
});

Deno.test("createApp - a page without islands ships no JavaScript", async () => {
  const { request } = await fixtureApp();
  const html = await (await request("/plain", HTML)).text();
  assert.match(html, /^<!DOCTYPE html><html lang="en">/);
  assert.ok(!html.includes("<script"), html);
});

Deno.test("createApp - islands render on the server with escaped props but no scripts when unbuilt", async () => {
  const { request } = await fixtureApp();
  const html = await (await request("/", HTML)).text();
  assert.match(html, /<title>Fixture home<\/title><\/head>/);
  assert.match(
    html,
    /<sats-island data-island="counter" data-id="0"><button type="button" data-since="1970-01-01T00:00:00.000Z">hello &lt;\/script>&lt;script>alert\(1\)&lt;\/script>: 3<\/button><\/sats-island>/,
  );
  assert.match(html, /<sats-island data-island="counter" data-id="1">/);
  assert.ok(!html.includes("<script"), "no bundles, no scripts");
});

Deno.test("createApp - with bundles, islands get props JSON, a boot module and immutable files", async () => {
  const outDir = new URL(
    `file://${await Deno.makeTempDir({ prefix: "sats-app-build-" })}/`,
  );
  try {
    const { app, request } = await fixtureApp("ensure", outDir);
    const id = app.bundles!.buildId;
    const html = await (await request("/", HTML)).text();
    assert.ok(
      html.includes(
        `<link rel="modulepreload" href="/_build/${id}/counter.js">`,
      ),
    );
    assert.ok(
      html.includes(
        `<script type="module" src="/_build/${id}/boot.js"></script></head>`,
      ),
    );
    assert.equal(
      html.match(/<script/g)?.length,
      2,
      "boot + props, nothing else",
    );
    const json =
      /<script type="application\/json" id="__sats_islands">(.*?)<\/script><\/body>/
        .exec(html)?.[1];
    assert.ok(json, html);
    assert.ok(!json.includes("</script"));
    const payload = deserializeProps(json) as IslandPayload;
    assert.deepEqual(payload.modules, { counter: `/_build/${id}/counter.js` });
    const [[nameA, a], [nameB, b]] = payload.islands;
    assert.equal(nameA, "counter");
    assert.equal(nameB, "counter");
    assert.equal(a.count, b.count, "one shared signal");
    assert.equal(a.label, "hello </script><script>alert(1)</script>");
    assert.equal((b.since as Date).getTime(), 1000);

    const boot = await request(`/_build/${id}/boot.js`);
    assert.equal(boot.status, 200);
    assert.equal(
      boot.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    assert.equal(
      boot.headers.get("content-type"),
      "text/javascript; charset=utf-8",
    );
    assert.match(await boot.text(), /sats-island/);
    const zipped = await request(`/_build/${id}/boot.js`, {
      headers: { "accept-encoding": "gzip, br" },
    });
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    assert.equal(zipped.headers.get("vary"), "accept-encoding");
    const unzipped = await new Response(
      zipped.body!.pipeThrough(new DecompressionStream("gzip")),
    ).text();
    assert.match(unzipped, /sats-island/);
    assert.equal((await request(`/_build/${id}/nope.js`)).status, 404);
    assert.equal((await request(`/_build/${id}/../manifest.json`)).status, 404);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("createApp - pages are gzipped for browsers that accept it", async () => {
  const { request } = await fixtureApp();
  const response = await request("/plain", {
    headers: { accept: "text/html", "accept-encoding": "gzip" },
  });
  assert.equal(response.headers.get("content-encoding"), "gzip");
  const html = await new Response(
    response.body!.pipeThrough(new DecompressionStream("gzip")),
  ).text();
  assert.match(html, /<p>plain<\/p>/);
  const plain = await request("/plain", HTML);
  assert.equal(plain.headers.get("content-encoding"), null);
  await plain.body?.cancel();
});
