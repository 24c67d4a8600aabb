/**
 * `deno task build`: builds the island bundles into the build directory and
 * reports their weight, including the JavaScript `/` loads (gzip), which the
 * project keeps under 40 KB (candles, the tape and price alerts included).
 */
import {
  buildBundles,
  folderUrl,
  loadWebConfig,
  pageWeight,
} from "../lib/web/mod.ts";

/** The gzip budget of `/`, bytes. */
const DASHBOARD_BUDGET = 40 * 1024;

/** Islands a route file renders, from its `islands/` imports. */
async function islandsOf(routeFile: URL): Promise<string[]> {
  const source = await Deno.readTextFile(routeFile);
  return [...source.matchAll(/islands\/([A-Za-z0-9_]+)\.[jt]sx?["']/g)].map((
    m,
  ) => m[1]);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const config = await loadWebConfig(root);
  const started = performance.now();
  const manifest = await buildBundles({
    root,
    outDir: config.build?.outDir
      ? folderUrl(root, config.build.outDir)
      : undefined,
    minify: config.build?.minify ?? true,
  });
  console.log(
    `Built ${manifest.buildId} in ${
      Math.round(performance.now() - started)
    } ms`,
  );
  const rows = Object.entries(manifest.files).sort((a, b) =>
    b[1].gzipBytes - a[1].gzipBytes
  );
  for (const [file, size] of rows) {
    console.log(
      `  ${file.padEnd(28)} ${kb(size.bytes).padStart(9)} ${
        kb(size.gzipBytes).padStart(9)
      } gzip`,
    );
  }
  const dashboard = pageWeight(
    manifest,
    await islandsOf(new URL("routes/index.tsx", root)),
  );
  console.log(
    `JavaScript of / : ${kb(dashboard.gzipBytes)} gzip (${
      kb(dashboard.bytes)
    } minified) in ${dashboard.files.length} files; budget ${
      kb(DASHBOARD_BUDGET)
    }`,
  );
  if (dashboard.gzipBytes > DASHBOARD_BUDGET) {
    console.error("The dashboard's JavaScript is over budget");
    Deno.exit(1);
  }
}
