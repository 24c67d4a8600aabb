import assert from "node:assert/strict";
import { ensureBundles, findConfig } from "./bundler.ts";

const CONFIG = new URL("../../deno.json", import.meta.url);
const ISLAND = new URL("./testdata/app/islands/counter.tsx", import.meta.url);

async function tempProject(): Promise<URL> {
  const dir = await Deno.makeTempDir({ prefix: "sats-bundler-" });
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

Deno.test("findConfig - finds the nearest deno.json above a folder", async () => {
  assert.equal(
    (await findConfig(new URL("./testdata/app/islands/", import.meta.url)))
      .href,
    CONFIG.href,
  );
});
