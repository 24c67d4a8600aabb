/**
 * Settings of the web runtime (`lib/web/`), shared by the app, `deno task
 * build` and `deno task dev`. Named like Fresh's config file so a move to
 * Fresh is mechanical.
 */
import { defineConfig } from "./lib/web/mod.ts";

export default defineConfig({
  build: { outDir: "_out/build/", minify: true },
  staticDir: "static/",
});
