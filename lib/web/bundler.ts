/**
 * Builds the browser bundles with `deno bundle` (esbuild inside Deno): the
 * boot module plus one entry per island, code-split so Preact and signals
 * are shared, minified. Output goes to `<outDir>/<buildId>/`, where the build
 * id is a hash of the outputs, so every file can be cached forever.
 *
 * Builds are safe to run concurrently (parallel test processes): each writes
 * a private temporary folder, then renames it into place; the manifest is
 * replaced atomically last. Whether a build is needed at all is decided in
 * `build_freshness.ts`.
 */
import {
  BUILD_FORMAT,
  type BuildManifest,
  type BundleEntry,
  type BundleFileSize,
  sha256Hex,
} from "./build_manifest.ts";
import { gzip } from "./compression.ts";
import { listIslandFiles } from "./island_files.ts";

/** Options of {@linkcode buildBundles} (and of `ensureBundles`). */
export interface BuildOptions {
  /** Project root: contains `islands/`. */
  readonly root: URL;
  /** Deno config with the import map. Default: the nearest `deno.json` at or above `root`. */
  readonly config?: URL;
  /** Where builds are written. Default `_out/build/` under `root`. */
  readonly outDir?: URL;
  /** Minify the output. Default true. */
  readonly minify?: boolean;
  /** The `deno` executable. Default `Deno.execPath()`. */
  readonly denoPath?: string;
  /** Older builds kept beside the current one. Default 2. */
  readonly keep?: number;
}

/** The boot entry, part of the runtime. */
const BOOT_ENTRY = new URL("./client/boot.ts", import.meta.url);

/** Default build directory under `root`. */
export function defaultOutDir(root: URL): URL {
  return new URL("_out/build/", root);
}

/** Builds the bundles and writes the manifest; returns it. */
export async function buildBundles(
  options: BuildOptions,
): Promise<BuildManifest> {
  const root = options.root;
  const outDir = options.outDir ?? defaultOutDir(root);
  const deno = options.denoPath ?? Deno.execPath();
  const config = options.config ?? await findConfig(root);
  const islands = await listIslandFiles(root);
  await Deno.mkdir(outDir, { recursive: true });
  const tmp = new URL(`.tmp-${crypto.randomUUID()}/`, outDir);
  const out = new URL("out/", tmp);
  await Deno.mkdir(out, { recursive: true });
  try {
    const sources = [BOOT_ENTRY, ...islands.map((island) => island.url)];
    // esbuild mirrors the entries' folders in its output; one-line wrapper
    // entries side by side give flat output names (`boot.js`, `<island>.js`).
    const wrappers = [
      await writeWrapper(
        tmp,
        "boot",
        `import ${JSON.stringify(BOOT_ENTRY.href)};\n`,
      ),
    ];
    for (const island of islands) {
      wrappers.push(
        await writeWrapper(
          tmp,
          island.name,
          `export { default } from ${JSON.stringify(island.url.href)};\n`,
        ),
      );
    }
    await run(deno, [
      "bundle",
      "--quiet",
      "--platform=browser",
      "--format=esm",
      "--code-splitting",
      ...(options.minify ?? true ? ["--minify"] : []),
      "--config",
      config.pathname,
      "--outdir",
      out.pathname,
      ...wrappers.map((url) => url.pathname),
    ], root);
    const contents = await readOutputs(out);
    const entryOf = (name: string): BundleEntry => {
      const file = `${name}.js`;
      if (!contents.has(file)) {
        throw new Error(`Bundling did not produce ${file}`);
      }
      return { file, imports: importClosure(file, contents) };
    };
    const buildId = await hashOutputs(contents);
    const manifest: BuildManifest = {
      version: BUILD_FORMAT,
      buildId,
      boot: entryOf("boot"),
      islands: Object.fromEntries(
        islands.map((island) => [island.name, entryOf(island.name)]),
      ),
      files: await compressOutputs(out, contents),
      inputs: await fingerprint(deno, root, config, tmp, sources),
      minified: options.minify ?? true,
    };
    await moveIntoPlace(out, new URL(`${buildId}/`, outDir));
    const manifestTmp = new URL(`manifest.${crypto.randomUUID()}.tmp`, outDir);
    await Deno.writeTextFile(manifestTmp, JSON.stringify(manifest, null, 2));
    await Deno.rename(manifestTmp, new URL("manifest.json", outDir));
    await prune(outDir, buildId, options.keep ?? 2);
    return manifest;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** The nearest `deno.json` at or above `dir`, as Deno itself finds it. */
export async function findConfig(dir: URL): Promise<URL> {
  for (let at = dir;; at = new URL("../", at)) {
    const candidate = new URL("deno.json", at);
    try {
      await Deno.stat(candidate);
      return candidate;
    } catch {
      if (at.pathname === "/") {
        throw new Error(`No deno.json at or above ${dir.pathname}`);
      }
    }
  }
}

async function run(command: string, args: string[], cwd: URL): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    const detail = decoder.decode(output.stderr).trim().split("\n").slice(-20)
      .join("\n");
    throw new Error(`deno ${args[0]} failed: ${detail}`);
  }
  return decoder.decode(output.stdout);
}

async function readOutputs(
  dir: URL,
): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const contents = new Map<string, Uint8Array<ArrayBuffer>>();
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".js")) {
      contents.set(entry.name, await Deno.readFile(new URL(entry.name, dir)));
    }
  }
  return contents;
}

/** Static `import … from "./x.js"` / `import "./x.js"` targets of an output. */
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g;

function importClosure(
  file: string,
  contents: ReadonlyMap<string, Uint8Array>,
): string[] {
  const seen = new Set<string>();
  const queue = [file];
  const decoder = new TextDecoder();
  while (queue.length > 0) {
    const current = queue.pop()!;
    const text = decoder.decode(contents.get(current));
    for (const match of text.matchAll(STATIC_IMPORT)) {
      const target = match[1];
      if (target !== file && !seen.has(target) && contents.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].sort();
}

async function hashOutputs(
  contents: ReadonlyMap<string, Uint8Array<ArrayBuffer>>,
): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(`format ${BUILD_FORMAT}\0`)];
  for (const name of [...contents.keys()].sort()) {
    parts.push(encoder.encode(`${name}\0`), contents.get(name)!);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return (await sha256Hex(all)).slice(0, 16);
}

/** Writes `<file>.gz` beside each output; returns the sizes of both. */
async function compressOutputs(
  out: URL,
  contents: ReadonlyMap<string, Uint8Array<ArrayBuffer>>,
): Promise<Record<string, BundleFileSize>> {
  const result: Record<string, BundleFileSize> = {};
  for (const [name, bytes] of contents) {
    const gzipped = await gzip(bytes);
    await Deno.writeFile(new URL(`${name}.gz`, out), gzipped);
    result[name] = { bytes: bytes.length, gzipBytes: gzipped.length };
  }
  return result;
}

/**
 * Hashes every local module the entries import, plus the config and lock
 * file (they decide which npm code is bundled).
 */
async function fingerprint(
  deno: string,
  root: URL,
  config: URL,
  tmp: URL,
  entries: readonly URL[],
): Promise<Record<string, string>> {
  const all = new URL("all_entries.ts", tmp);
  await Deno.writeTextFile(
    all,
    entries.map((url) => `import ${JSON.stringify(url.href)};\n`).join(""),
  );
  const info = JSON.parse(
    await run(deno, [
      "info",
      "--json",
      "--config",
      config.pathname,
      all.pathname,
    ], root),
  ) as { modules: { specifier: string; local?: string }[] };
  const paths = new Set([config.href, new URL("deno.lock", config).href]);
  for (const module of info.modules) {
    if (module.specifier.startsWith("file:") && module.specifier !== all.href) {
      paths.add(module.specifier);
    }
  }
  const inputs: Record<string, string> = {};
  for (const href of [...paths].sort()) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await Deno.readFile(new URL(href));
    } catch {
      continue;
    }
    inputs[relativeTo(root, href)] = await sha256Hex(bytes);
  }
  return inputs;
}

/** Paths inside the root are stored relative, so a moved checkout stays current. */
function relativeTo(root: URL, href: string): string {
  return href.startsWith(root.href) ? href.slice(root.href.length) : href;
}

async function writeWrapper(
  tmp: URL,
  name: string,
  code: string,
): Promise<URL> {
  const url = new URL(`entries/${name}.ts`, tmp);
  await Deno.mkdir(new URL("entries/", tmp), { recursive: true });
  await Deno.writeTextFile(url, code);
  return url;
}

async function moveIntoPlace(out: URL, target: URL): Promise<void> {
  try {
    await Deno.rename(out, target);
  } catch (error) {
    // Another process built the same outputs first: identical, keep theirs.
    if (!(await exists(target))) throw error;
  }
}

async function exists(url: URL): Promise<boolean> {
  try {
    await Deno.stat(url);
    return true;
  } catch {
    return false;
  }
}

async function prune(outDir: URL, current: string, keep: number) {
  const builds: { name: string; mtime: number }[] = [];
  for await (const entry of Deno.readDir(outDir)) {
    if (!entry.isDirectory || entry.name === current) continue;
    if (entry.name.startsWith(".tmp-")) continue;
    const stat = await Deno.stat(new URL(`${entry.name}/`, outDir));
    builds.push({ name: entry.name, mtime: stat.mtime?.getTime() ?? 0 });
  }
  builds.sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(keep)) {
    await Deno.remove(new URL(`${old.name}/`, outDir), { recursive: true })
      .catch(() => {});
  }
}
