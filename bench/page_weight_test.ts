import assert from "node:assert/strict";
import {
  extractModuleImports,
  extractPageAssets,
  gzipSize,
  measurePageWeight,
} from "./page_weight.ts";

const BASE = "http://127.0.0.1:8000/";

Deno.test("extractPageAssets - scripts, stylesheets, modulepreload and inline code", () => {
  const html = `<!doctype html><html><head>
    <link rel="stylesheet" href="/static/app.css">
    <link rel=modulepreload href='/static/build/chunk.js'>
    <link rel="icon" href="/favicon.ico">
    <script type="module" src="/static/build/main.js"></script>
    <script type="application/json" id="props">{"a":1}</script>
    <!-- <script src="/commented.js"></script> -->
    <script>window.x = 1</script>
  </head></html>`;
  const assets = extractPageAssets(html, BASE);
  assert.deepEqual(assets.scripts, [
    "http://127.0.0.1:8000/static/build/main.js",
    "http://127.0.0.1:8000/static/build/chunk.js",
  ]);
  assert.deepEqual(assets.styles, ["http://127.0.0.1:8000/static/app.css"]);
  assert.deepEqual(assets.inline, ["window.x = 1"]);
});

Deno.test("extractPageAssets - a page without scripts has none", () => {
  const assets = extractPageAssets("<html><body><p>hi</p></body></html>", BASE);
  assert.deepEqual(assets, { scripts: [], styles: [], inline: [] });
});

Deno.test("extractModuleImports - static, minified, re-export and dynamic imports", () => {
  const source = `import{h as e}from"./preact.js";import "./side.js";
    export * from '../shared/util.js';
    const lazy = () => import("/static/build/lazy.js");
    import { signal } from "@preact/signals";
    const s = "not.import('./x.js')";`;
  assert.deepEqual(extractModuleImports(source).sort(), [
    "../shared/util.js",
    "./preact.js",
    "./side.js",
    "/static/build/lazy.js",
  ]);
});

Deno.test("gzipSize - compresses repetitive input", async () => {
  const bytes = new TextEncoder().encode("a".repeat(10_000));
  const size = await gzipSize(bytes);
  assert.ok(size > 10 && size < 200, `${size}`);
});

function fakeSite(files: Record<string, string>): typeof fetch {
  return (input: string | URL | Request) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const body = url.origin === "http://127.0.0.1:8000"
      ? files[url.pathname]
      : undefined;
    return Promise.resolve(
      body === undefined
        ? new Response("missing", { status: 404 })
        : new Response(body),
    );
  };
}

Deno.test("measurePageWeight - follows imports once and sums gzip sizes", async () => {
  const weight = await measurePageWeight(BASE, {
    fetch: fakeSite({
      "/": `<script type="module" src="/a.js"></script>
        <script src="https://cdn.example.com/x.js"></script>
        <link rel="stylesheet" href="/s.css">`,
      "/a.js": `import "./b.js"; import "./c.js"; ${"let v = 1;".repeat(50)}`,
      "/b.js": `import "./a.js"; export const b = 2;`,
      "/s.css": "body { color: red }",
    }),
  });
  assert.equal(weight.status, "ok");
  if (weight.status !== "ok") return;
  assert.deepEqual(weight.files.map((f) => new URL(f.url).pathname), [
    "/a.js",
    "/s.css",
    "/b.js",
  ]);
  assert.equal(weight.js.files, 2);
  assert.equal(weight.css.files, 1);
  assert.equal(
    weight.js.gzip_bytes,
    weight.files.filter((f) => f.kind !== "style").reduce(
      (s, f) => s + f.gzip_bytes,
      0,
    ),
  );
  assert.deepEqual([...weight.skipped].sort(), [
    "http://127.0.0.1:8000/c.js",
    "https://cdn.example.com/x.js",
  ]);
});

Deno.test("measurePageWeight - n/a when / has no scripts or is missing", async () => {
  const none = await measurePageWeight(BASE, {
    fetch: fakeSite({ "/": "<html><body>plain</body></html>" }),
  });
  assert.deepEqual(none, {
    status: "n/a",
    url: BASE,
    reason: "/ loads no script",
  });
  const missing = await measurePageWeight(BASE, { fetch: fakeSite({}) });
  assert.equal(missing.status, "n/a");
});

Deno.test("measurePageWeight - a spent budget skips what is left", async () => {
  const weight = await measurePageWeight(BASE, {
    budgetMs: -1,
    fetch: fakeSite({ "/": `<script src="/a.js"></script>`, "/a.js": "x" }),
  });
  assert.equal(weight.status, "ok");
  if (weight.status !== "ok") return;
  assert.equal(weight.js.files, 0);
  assert.deepEqual(weight.skipped, ["http://127.0.0.1:8000/a.js"]);
});
