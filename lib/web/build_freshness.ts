/**
 * Deciding whether the bundles on disk are current, and building them only
 * when they are not: the manifest's island set, minify setting, input
 * fingerprint and output files are checked against the project as it is now.
 * `createApp` calls {@linkcode ensureBundles} at start, so `deno task start`
 * never serves stale or missing bundles and never rebuilds needlessly.
 */
import {
  type BuildManifest,
  readManifest,
  sha256Hex,
} from "./build_manifest.ts";
import { buildBundles, type BuildOptions, defaultOutDir } from "./bundler.ts";
import { listIslandFiles } from "./island_files.ts";

/** What a build is checked against by {@linkcode staleReason}. */
export interface StalenessCheck {
  /** Project root the inputs are relative to. */
  readonly root: URL;
  /** Build directory holding `<buildId>/`. */
  readonly outDir: URL;
  /** The islands the project has now. */
  readonly islands: readonly string[];
  /** Whether a minified build is wanted. */
  readonly minified: boolean;
}

/**
 * Why `manifest` no longer matches the project, or undefined when it is
 * current: the island set changed, the minify setting differs, an input
 * changed or vanished, or an output file is missing.
 */
export async function staleReason(
  manifest: BuildManifest,
  check: StalenessCheck,
): Promise<string | undefined> {
  const { root, outDir } = check;
  const built = Object.keys(manifest.islands).sort().join(",");
  if (built !== [...check.islands].sort().join(",")) {
    return "the set of islands changed";
  }
  if (manifest.minified !== check.minified) {
    return check.minified
      ? "a minified build is wanted"
      : "a dev build is wanted";
  }
  for (const [path, hash] of Object.entries(manifest.inputs)) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await Deno.readFile(new URL(path, root));
    } catch {
      return `${path} is gone`;
    }
    if (await sha256Hex(bytes) !== hash) return `${path} changed`;
  }
  for (const file of Object.keys(manifest.files)) {
    try {
      await Deno.stat(new URL(`${manifest.buildId}/${file}`, outDir));
    } catch {
      return `output ${file} is missing`;
    }
  }
  return undefined;
}

/** The outcome of {@linkcode ensureBundles}. */
export interface EnsureResult {
  readonly manifest: BuildManifest;
  /** Why a build ran, or undefined when the existing one was current. */
  readonly rebuilt?: string;
}

const inFlight = new Map<string, Promise<EnsureResult>>();

/**
 * Returns current bundles, building them first when missing or stale.
 * Concurrent calls for one build directory in this process share one build.
 */
export function ensureBundles(options: BuildOptions): Promise<EnsureResult> {
  const outDir = options.outDir ?? defaultOutDir(options.root);
  const key = outDir.href;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = (async () => {
      const islands = await listIslandFiles(options.root);
      const existing = await readManifest(outDir);
      const reason = existing
        ? await staleReason(existing, {
          root: options.root,
          outDir,
          islands: islands.map((island) => island.name),
          minified: options.minify ?? true,
        })
        : "no build yet";
      if (existing && reason === undefined) return { manifest: existing };
      return { manifest: await buildBundles(options), rebuilt: reason };
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}
