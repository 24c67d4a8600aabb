import assert from "node:assert/strict";
import { listIslandFiles } from "./island_files.ts";

async function projectWith(files: string[]): Promise<URL> {
  const root = new URL(
    `file://${await Deno.makeTempDir({ prefix: "sats-islands-" })}/`,
  );
  await Deno.mkdir(new URL("islands/nested/", root), { recursive: true });
  for (const file of files) {
    await Deno.writeTextFile(
      new URL(`islands/${file}`, root),
      "export default () => null;\n",
    );
  }
  return root;
}

Deno.test("listIslandFiles - lists island modules by name, skipping tests and other files", async () => {
  const root = await projectWith([
    "price_card.tsx",
    "Counter.ts",
    "price_card_test.tsx",
    "notes.md",
    "nested/inner.tsx",
  ]);
  try {
    const islands = await listIslandFiles(root);
    assert.deepEqual(islands.map((i) => i.name), ["Counter", "price_card"]);
    assert.equal(
      islands[1].url.href,
      new URL("islands/price_card.tsx", root).href,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("listIslandFiles - refuses names that cannot be bundle entries", async () => {
  for (
    const [file, message] of [
      ["price-card.tsx", /must be named like an identifier/],
      ["boot.tsx", /reserved/],
    ] as const
  ) {
    const root = await projectWith([file]);
    try {
      await assert.rejects(() => listIslandFiles(root), message);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }
  const twice = await projectWith(["a.tsx", "a.ts"]);
  try {
    await assert.rejects(() => listIslandFiles(twice), /defined twice/);
  } finally {
    await Deno.remove(twice, { recursive: true });
  }
});

Deno.test("listIslandFiles - a project without islands/ has none", async () => {
  const root = new URL(`file://${await Deno.makeTempDir()}/`);
  try {
    assert.deepEqual(await listIslandFiles(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
