import assert from "node:assert/strict";
import { findConfig } from "./bundler.ts";

const CONFIG = new URL("../../deno.json", import.meta.url);

Deno.test("findConfig - finds the nearest deno.json above a folder", async () => {
  assert.equal(
    (await findConfig(new URL("./testdata/app/islands/", import.meta.url)))
      .href,
    CONFIG.href,
  );
});
