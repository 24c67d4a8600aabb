import assert from "node:assert/strict";
import {
  BUILD_FORMAT,
  type BuildManifest,
  pageWeight,
} from "./build_manifest.ts";

const MANIFEST: BuildManifest = {
  version: BUILD_FORMAT,
  buildId: "0123456789abcdef",
  boot: { file: "boot.js", imports: ["chunk-a.js"] },
  islands: {
    chart: { file: "chart.js", imports: ["chunk-a.js", "chunk-b.js"] },
    strip: { file: "strip.js", imports: ["chunk-a.js"] },
  },
  files: {
    "boot.js": { bytes: 100, gzipBytes: 10 },
    "chunk-a.js": { bytes: 1_000, gzipBytes: 400 },
    "chunk-b.js": { bytes: 500, gzipBytes: 200 },
    "chart.js": { bytes: 300, gzipBytes: 120 },
    "strip.js": { bytes: 50, gzipBytes: 30 },
  },
  inputs: {},
  minified: true,
};

Deno.test("pageWeight - counts boot, islands and shared chunks once", () => {
  assert.deepEqual(pageWeight(MANIFEST, ["strip", "chart", "strip"]), {
    files: ["boot.js", "chart.js", "chunk-a.js", "chunk-b.js", "strip.js"],
    bytes: 1_950,
    gzipBytes: 760,
  });
  assert.equal(pageWeight(MANIFEST, ["strip"]).gzipBytes, 440);
});

Deno.test("pageWeight - a page without islands loads no JavaScript", () => {
  assert.deepEqual(pageWeight(MANIFEST, []), {
    files: [],
    bytes: 0,
    gzipBytes: 0,
  });
  assert.throws(
    () => pageWeight(MANIFEST, ["nope"]),
    /Island nope is not in build/,
  );
});
