import assert from "node:assert/strict";
import { deserializeProps } from "./island_props.ts";
import type { IslandPayload } from "./island_protocol.ts";
import { registerIsland } from "./island_ssr.ts";
import { renderPage } from "./render_page.tsx";
import { BUILD_FORMAT, type BuildManifest } from "./build_manifest.ts";
import { Head } from "./head.tsx";

function Inner({ n }: { n: number }) {
  return <i>inner {n}</i>;
}
function Outer({ n }: { n: number }) {
  return (
    <b>
      outer <Inner n={n + 1} />
    </b>
  );
}
registerIsland("render_test_inner", Inner);
registerIsland("render_test_outer", Outer);

const BUNDLES: BuildManifest = {
  version: BUILD_FORMAT,
  buildId: "00000000000000aa",
  boot: { file: "boot.js", imports: ["chunk-1.js"] },
  islands: {
    render_test_outer: {
      file: "render_test_outer.js",
      imports: ["chunk-1.js"],
    },
    render_test_inner: { file: "render_test_inner.js", imports: [] },
  },
  files: {},
  inputs: {},
  minified: true,
};

function render(page: () => preact.JSX.Element, bundles?: BuildManifest) {
  return renderPage({
    page,
    url: new URL("http://x/"),
    params: {},
    state: {},
    bundles,
    buildPrefix: "/_build",
  });
}

Deno.test("renderPage - an island inside an island hydrates with its parent", () => {
  const html = render(() => <Outer n={1} />, BUNDLES);
  assert.equal(html.match(/<sats-island/g)?.length, 1);
  assert.match(
    html,
    /<sats-island data-island="render_test_outer" data-id="0"><b>outer <i>inner 2<\/i><\/b><\/sats-island>/,
  );
  const json = /id="__sats_islands">(.*?)<\/script>/.exec(html)![1];
  const payload = deserializeProps(json) as IslandPayload;
  assert.deepEqual(payload.islands, [["render_test_outer", { n: 1 }]]);
  assert.deepEqual(payload.modules, {
    render_test_outer: "/_build/00000000000000aa/render_test_outer.js",
  });
  assert.equal(
    html.match(/rel="modulepreload"/g)?.length,
    2,
    "chunk once, island once",
  );
});

Deno.test("renderPage - Head content goes into <head>; the default shell is a full document", () => {
  const html = render(() => (
    <main>
      <Head>
        <title>T &amp; more</title>
      </Head>
      body
    </main>
  ));
  assert.match(
    html,
    /^<!DOCTYPE html><html lang="en"><head>.*<title>T &amp; more<\/title><\/head><body><main>body<\/main><\/body><\/html>$/,
  );
});

Deno.test("renderPage - islands given JSX children are refused", () => {
  // deno-lint-ignore no-explicit-any
  const Loose = Outer as any;
  assert.throws(
    () => render(() => <Loose n={1}>child</Loose>),
    /given children/,
  );
});
