import assert from "node:assert/strict";
import { ensureBundles, staleReason } from "./build_freshness.ts";
import {
  BUILD_FORMAT,
  type BuildManifest,
  sha256Hex,
} from "./build_manifest.ts";

const CONFIG = new URL("../../deno.json", import.meta.url);
const ISLAND = new URL("./testdata/app/islands/counter.tsx", import.meta.url);

async function tempProject(): Promise<URL> {
  const dir = await Deno.makeTempDir({ prefix: "sats-build-freshness-" });
  const root = new URL(`file://${dir}/`);
  await Deno.mkdir(new URL("islands/", root));
  await Deno.copyFile(ISLAND, new URL("islands/counter.tsx", root));
  return root;
}

Deno.test("ensureBundles - builds once, then rebuilds only when an input or the island set changes", async () => {
  const root = await tempProject();
  const outDir = new URL("out/", root);
  const options = { root, outDir, config: CONFIG };
  try {
    const first = await ensureBundles(options);
    assert.equal(first.rebuilt, "no build yet");
    const { manifest } = first;
    assert.match(manifest.buildId, /^[0-9a-f]{16}$/);
    assert.equal(manifest.boot.file, "boot.js");
    assert.equal(manifest.islands.counter.file, "counter.js");
    assert.ok(manifest.boot.imports.length > 0, "boot shares a chunk");
    assert.ok(
      manifest.boot.imports.every((file) =>
        manifest.islands.counter.imports.includes(file) ||
        file === "counter.js"
      ) || manifest.islands.counter.imports.length > 0,
    );
    assert.ok("islands/counter.tsx" in manifest.inputs);
    assert.ok(
      Object.keys(manifest.inputs).some((p) => p.endsWith("island_props.ts")),
    );
    for (const file of Object.keys(manifest.files)) {
      await Deno.stat(new URL(`${manifest.buildId}/${file}`, outDir));
    }

    const again = await ensureBundles(options);
    assert.equal(again.rebuilt, undefined);
    assert.equal(again.manifest.buildId, manifest.buildId);

    const dev = await ensureBundles({ ...options, minify: false });
    assert.equal(dev.rebuilt, "a dev build is wanted");
    assert.ok(
      dev.manifest.files["counter.js"].bytes >
        manifest.files["counter.js"].bytes,
      "unminified is larger",
    );
    assert.equal(
      (await ensureBundles(options)).rebuilt,
      "a minified build is wanted",
    );

    const source = await Deno.readTextFile(
      new URL("islands/counter.tsx", root),
    );
    await Deno.writeTextFile(
      new URL("islands/counter.tsx", root),
      source.replace("{label}: {count}", "{label} = {count}"),
    );
    const changed = await ensureBundles(options);
    assert.equal(changed.rebuilt, "islands/counter.tsx changed");
    assert.notEqual(changed.manifest.buildId, manifest.buildId);

    await Deno.copyFile(ISLAND, new URL("islands/second.tsx", root));
    const added = await ensureBundles(options);
    assert.equal(added.rebuilt, "the set of islands changed");
    assert.deepEqual(Object.keys(added.manifest.islands).sort(), [
      "counter",
      "second",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ensureBundles - concurrent calls share one build", async () => {
  const root = await tempProject();
  const options = { root, outDir: new URL("out/", root), config: CONFIG };
  try {
    const [a, b] = await Promise.all([
      ensureBundles(options),
      ensureBundles(options),
    ]);
    assert.equal(a, b);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("staleReason - names what no longer matches, or nothing when current", async () => {
  const root = new URL(
    `file://${await Deno.makeTempDir({ prefix: "sats-stale-" })}/`,
  );
  const outDir = new URL("out/", root);
  try {
    await Deno.mkdir(new URL("islands/", root), { recursive: true });
    await Deno.mkdir(new URL("b1/", outDir), { recursive: true });
    const source = new TextEncoder().encode("export default 1;\n");
    await Deno.writeFile(new URL("islands/counter.tsx", root), source);
    await Deno.writeTextFile(new URL("b1/counter.js", outDir), "");
    const manifest: BuildManifest = {
      version: BUILD_FORMAT,
      buildId: "b1",
      boot: { file: "counter.js", imports: [] },
      islands: { counter: { file: "counter.js", imports: [] } },
      files: { "counter.js": { bytes: 0, gzipBytes: 0 } },
      inputs: { "islands/counter.tsx": await sha256Hex(source) },
      minified: true,
    };
    const check = { root, outDir, islands: ["counter"], minified: true };
    assert.equal(await staleReason(manifest, check), undefined);
    assert.equal(
      await staleReason(manifest, { ...check, islands: ["counter", "more"] }),
      "the set of islands changed",
    );
    assert.equal(
      await staleReason(manifest, { ...check, minified: false }),
      "a dev build is wanted",
    );
    assert.equal(
      await staleReason({ ...manifest, minified: false }, check),
      "a minified build is wanted",
    );
    assert.equal(
      await staleReason({
        ...manifest,
        files: { ...manifest.files, "gone.js": { bytes: 0, gzipBytes: 0 } },
      }, check),
      "output gone.js is missing",
    );
    await Deno.writeTextFile(new URL("islands/counter.tsx", root), "changed");
    assert.equal(
      await staleReason(manifest, check),
      "islands/counter.tsx changed",
    );
    await Deno.remove(new URL("islands/counter.tsx", root));
    assert.equal(
      await staleReason(manifest, check),
      "islands/counter.tsx is gone",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
