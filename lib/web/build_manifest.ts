/**
 * The record a client build leaves next to its bundles: which file serves
 * each island, which chunks each file imports (for preload hints), the size
 * of every file, and a fingerprint of every source file the build read. The
 * fingerprint is how `deno task start` knows the bundles are stale without
 * rebuilding them (see `build_freshness.ts`).
 */

/** One entry point of the build. */
export interface BundleEntry {
  /** File name inside the build directory. */
  readonly file: string;
  /** Chunks it imports statically, transitively (preloaded with it). */
  readonly imports: readonly string[];
}

/** Size of one output file. */
export interface BundleFileSize {
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * Version of the build layout. Bump it whenever the bundler writes something
 * new (e.g. the `.gz` copies): older builds then count as missing and are
 * rebuilt, and the build id changes with it.
 */
export const BUILD_FORMAT = 3;

/** `manifest.json` of a build. */
export interface BuildManifest {
  readonly version: typeof BUILD_FORMAT;
  /** Hash of the outputs; the URL segment that makes them immutable. */
  readonly buildId: string;
  readonly boot: BundleEntry;
  /** Entry per island name (the island file's base name). */
  readonly islands: Readonly<Record<string, BundleEntry>>;
  /** Every output file and its size. */
  readonly files: Readonly<Record<string, BundleFileSize>>;
  /** Source files read by the build (relative to the root) → SHA-256. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Whether the bundles were minified (a dev build is not). */
  readonly minified: boolean;
}

/** Hex SHA-256 of `bytes`. */
export async function sha256Hex(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** Reads the manifest in `outDir`, or undefined when missing or unreadable. */
export async function readManifest(
  outDir: URL,
): Promise<BuildManifest | undefined> {
  try {
    const text = await Deno.readTextFile(new URL("manifest.json", outDir));
    const manifest = JSON.parse(text) as BuildManifest;
    return manifest.version === BUILD_FORMAT ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
/** The JavaScript a page loads, by file, and its total. */
export interface PageWeight {
  readonly files: readonly string[];
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * What a page that renders `islands` downloads: the boot module, each island
 * and every chunk they import. Pages without islands load nothing.
 */
export function pageWeight(
  manifest: BuildManifest,
  islands: readonly string[],
): PageWeight {
  if (islands.length === 0) return { files: [], bytes: 0, gzipBytes: 0 };
  const files = new Set([manifest.boot.file, ...manifest.boot.imports]);
  for (const name of islands) {
    const entry = manifest.islands[name];
    if (!entry) {
      throw new Error(`Island ${name} is not in build ${manifest.buildId}`);
    }
    files.add(entry.file);
    for (const file of entry.imports) files.add(file);
  }
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    bytes += manifest.files[file]?.bytes ?? 0;
    gzipBytes += manifest.files[file]?.gzipBytes ?? 0;
  }
  return { files: [...files].sort(), bytes, gzipBytes };
}
