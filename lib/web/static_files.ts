/**
 * Serves `static/` and the client build. Static files are found by a scan at
 * startup (so a request path can never reach outside the folder) and carry a
 * content-hash ETag with `no-cache`: browsers revalidate, and get a 304 when
 * nothing changed. Build files live under a content-hashed directory, so they
 * are served `immutable` for a year. Text is sent gzipped when the browser
 * accepts it (static text is compressed once, at the scan; bundles at build).
 */
import { acceptsGzip, gzip, isCompressible } from "./compression.ts";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json; charset=utf-8",
  webmanifest: "application/manifest+json",
  html: "text/html; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  ico: "image/x-icon",
  webp: "image/webp",
  woff2: "font/woff2",
  wav: "audio/wav",
};

/** Cache policy of build files (their URL changes with their content). */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** The content type for a file name, by extension. */
export function contentTypeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

interface StaticEntry {
  readonly url: URL;
  readonly etag: string;
  readonly contentType: string;
  /** Gzipped content, for compressible files worth it. */
  readonly gzipped?: Uint8Array<ArrayBuffer>;
}

/** Below this size gzip saves too little to matter. */
const MIN_GZIP_BYTES = 512;

/** The files of one static folder, by URL pathname. */
export class StaticFiles {
  #files: Map<string, StaticEntry>;

  private constructor(files: Map<string, StaticEntry>) {
    this.#files = files;
  }

  /** Scans `dir` recursively; an absent folder serves nothing. */
  static async scan(dir: URL): Promise<StaticFiles> {
    const files = new Map<string, StaticEntry>();
    await walk(dir, "/", files);
    return new StaticFiles(files);
  }

  /** URL pathnames served, sorted. */
  get paths(): string[] {
    return [...this.#files.keys()].sort();
  }

  /** Whether a GET of `pathname` is a static file. */
  has(pathname: string): boolean {
    return this.#files.has(pathname);
  }

  /** Answers a GET/HEAD for `pathname` (which {@linkcode has} confirmed). */
  async serve(req: Request, pathname: string): Promise<Response> {
    const entry = this.#files.get(pathname)!;
    const zipped = entry.gzipped !== undefined && acceptsGzip(req);
    const etag = zipped ? entry.etag.replace(/"$/, '-gz"') : entry.etag;
    const headers = new Headers({
      "content-type": entry.contentType,
      "cache-control": "no-cache",
      etag,
    });
    if (entry.gzipped) headers.set("vary", "accept-encoding");
    if (matchesEtag(req, etag)) {
      return new Response(null, { status: 304, headers });
    }
    if (zipped) {
      headers.set("content-encoding", "gzip");
      return new Response(entry.gzipped, { headers });
    }
    return new Response(await Deno.readFile(entry.url), { headers });
  }
}

async function walk(dir: URL, prefix: string, files: Map<string, StaticEntry>) {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory) {
      await walk(
        new URL(`${encodeURIComponent(entry.name)}/`, dir),
        `${prefix}${encodeURIComponent(entry.name)}/`,
        files,
      );
    } else if (entry.isFile) {
      const url = new URL(encodeURIComponent(entry.name), dir);
      const bytes = await Deno.readFile(url);
      const digest = await crypto.subtle.digest("SHA-256", bytes);
      const contentType = contentTypeOf(entry.name);
      const hex = Array.from(
        new Uint8Array(digest).slice(0, 12),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      files.set(`${prefix}${encodeURIComponent(entry.name)}`, {
        url,
        etag: `"${hex}"`,
        contentType,
        gzipped: isCompressible(contentType) && bytes.length >= MIN_GZIP_BYTES
          ? await gzip(bytes)
          : undefined,
      });
    }
  }
}

/** True when `If-None-Match` names `etag` (or `*`). */
export function matchesEtag(req: Request, etag: string): boolean {
  const header = req.headers.get("if-none-match");
  if (header === null) return false;
  return header.split(",").some((tag) => {
    const trimmed = tag.trim().replace(/^W\//, "");
    return trimmed === etag || trimmed === "*";
  });
}

const BUILD_PATH = /^\/([0-9a-f]{16})\/([A-Za-z0-9_.-]+\.js)$/;

/**
 * Answers `<prefix>/<buildId>/<file>.js` from `outDir`, or undefined when the
 * path is not a build file that exists (older builds stay servable, so a page
 * rendered just before a rebuild still loads).
 */
export async function serveBuildFile(
  req: Request,
  outDir: URL,
  rest: string,
): Promise<Response | undefined> {
  const match = BUILD_PATH.exec(rest);
  if (!match) return undefined;
  const [, buildId, file] = match;
  const zipped = acceptsGzip(req);
  const etag = `"${buildId}-${file}${zipped ? "-gz" : ""}"`;
  const headers = new Headers({
    "content-type": contentTypeOf(file),
    "cache-control": IMMUTABLE,
    vary: "accept-encoding",
    etag,
  });
  if (matchesEtag(req, etag)) {
    return new Response(null, { status: 304, headers });
  }
  const path = new URL(`${buildId}/${file}`, outDir);
  if (zipped) {
    try {
      const bytes = await Deno.readFile(
        new URL(`${buildId}/${file}.gz`, outDir),
      );
      headers.set("content-encoding", "gzip");
      return new Response(bytes, { headers });
    } catch {
      // No precompressed copy (an older build): send it plain.
      headers.set("etag", `"${buildId}-${file}"`);
    }
  }
  try {
    return new Response(await Deno.readFile(path), { headers });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
