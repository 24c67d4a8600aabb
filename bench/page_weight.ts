/**
 * Page weight of the dashboard: the gzip size of every script and stylesheet
 * that `/` makes a browser load, following module imports, so the benchmark
 * can check the "< 30 KB gzip of JavaScript" goal on every run.
 *
 * Only same-origin URLs are fetched (the service under test is on loopback;
 * nothing leaves the machine). Parsing is pure and regex-based: good enough
 * for the pages and bundles this project emits, and a miss only shows up as
 * a file not counted, which the file list makes visible.
 */

/** One fetched asset. */
export interface AssetWeight {
  readonly url: string;
  /** `script` (src or modulepreload), `inline` (script body), `import`, `style`. */
  readonly kind: "script" | "inline" | "import" | "style";
  readonly bytes: number;
  readonly gzip_bytes: number;
}

/** Totals of one kind of asset. */
export interface WeightTotals {
  readonly files: number;
  readonly bytes: number;
  readonly gzip_bytes: number;
}

/** The page weight report: measured, or why it could not be. */
export type PageWeight =
  | {
    readonly status: "ok";
    readonly url: string;
    readonly js: WeightTotals;
    readonly css: WeightTotals;
    readonly files: readonly AssetWeight[];
    /** Referenced assets not counted: other origins, failed fetches, over the cap. */
    readonly skipped: readonly string[];
  }
  | { readonly status: "n/a"; readonly url: string; readonly reason: string };

/** Assets an HTML page references directly. */
export interface PageAssets {
  /** Script URLs: `<script src>` and `<link rel=modulepreload>`. */
  readonly scripts: readonly string[];
  /** Stylesheet URLs: `<link rel=stylesheet href>`. */
  readonly styles: readonly string[];
  /** Bodies of executable inline scripts (not JSON data blocks). */
  readonly inline: readonly string[];
}

const ATTRIBUTE = /([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const EXECUTABLE_TYPES = new Set([
  "",
  "module",
  "text/javascript",
  "application/javascript",
]);

function attributes(source: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    map.set(match[1].toLowerCase(), match[2] ?? match[3] ?? match[4] ?? "");
  }
  return map;
}

/** Finds the scripts, stylesheets and inline scripts of `html`, URLs resolved against `baseUrl`. */
export function extractPageAssets(html: string, baseUrl: string): PageAssets {
  const scripts: string[] = [];
  const styles: string[] = [];
  const inline: string[] = [];
  const resolve = (href: string) => {
    try {
      return new URL(href, baseUrl).href;
    } catch {
      return undefined;
    }
  };
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, "");
  for (
    const match of withoutComments.matchAll(
      /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi,
    )
  ) {
    const attrs = attributes(match[1]);
    const type = (attrs.get("type") ?? "").trim().toLowerCase();
    if (!EXECUTABLE_TYPES.has(type)) continue;
    const src = attrs.get("src");
    if (src !== undefined) {
      const url = resolve(src);
      if (url) scripts.push(url);
    } else if (match[2].trim()) {
      inline.push(match[2]);
    }
  }
  for (const match of withoutComments.matchAll(/<link\b([^>]*)>/gi)) {
    const attrs = attributes(match[1]);
    const rel = (attrs.get("rel") ?? "").toLowerCase().split(/\s+/);
    const href = attrs.get("href");
    if (href === undefined) continue;
    const url = resolve(href);
    if (!url) continue;
    if (rel.includes("stylesheet")) styles.push(url);
    else if (rel.includes("modulepreload")) scripts.push(url);
  }
  return {
    scripts: [...new Set(scripts)],
    styles: [...new Set(styles)],
    inline,
  };
}

/**
 * Relative and absolute module specifiers imported by `source`: static
 * `import`/`export … from`, side-effect imports and `import("…")`. Bare
 * specifiers (resolved by an import map, if at all) are left out.
 */
export function extractModuleImports(source: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']/g,
    /(?:^|[^\w$.])import\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1];
      if (/^(?:\.{1,2}\/|\/|https?:\/\/)/.test(specifier)) found.add(specifier);
    }
  }
  return [...found];
}

/** The size of `bytes` after gzip (CompressionStream, default level). */
export async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  let size = 0;
  for await (const chunk of stream) size += chunk.byteLength;
  return size;
}

/** Options of {@linkcode measurePageWeight}. */
export interface PageWeightOptions {
  /** Injected for tests. Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** Most assets fetched, to bound a runaway import graph. Default 200. */
  readonly maxFiles?: number;
  /** Per-request timeout in ms. Default 5,000. */
  readonly timeoutMs?: number;
  /** Whole measurement budget in ms; assets left after it are skipped. Default 30,000. */
  readonly budgetMs?: number;
}

/**
 * Fetches `/` of `baseUrl` and every same-origin script (with its module
 * imports, transitively) and stylesheet it references, and sums their gzip
 * sizes. Reports `n/a` when `/` does not answer 2xx or loads no script.
 */
export async function measurePageWeight(
  baseUrl: string,
  options: PageWeightOptions = {},
): Promise<PageWeight> {
  const {
    fetch: fetchFn = globalThis.fetch,
    maxFiles = 200,
    timeoutMs = 5_000,
    budgetMs = 30_000,
  } = options;
  const giveUpAt = performance.now() + budgetMs;
  const pageUrl = new URL("/", baseUrl).href;
  const origin = new URL(pageUrl).origin;
  const get = async (url: string): Promise<Uint8Array | null> => {
    try {
      const response = await fetchFn(url, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return null;
      }
      return new Uint8Array(await response.arrayBuffer());
    } catch {
      return null;
    }
  };

  const page = await get(pageUrl);
  if (page === null) {
    return { status: "n/a", url: pageUrl, reason: "GET / did not answer 2xx" };
  }
  const assets = extractPageAssets(new TextDecoder().decode(page), pageUrl);
  if (assets.scripts.length === 0 && assets.inline.length === 0) {
    return { status: "n/a", url: pageUrl, reason: "/ loads no script" };
  }

  const files: AssetWeight[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const encoder = new TextEncoder();
  const queue: { url: string; kind: AssetWeight["kind"] }[] = [
    ...assets.scripts.map((url) => ({ url, kind: "script" as const })),
    ...assets.styles.map((url) => ({ url, kind: "style" as const })),
  ];
  const follow = (source: string, base: string) => {
    for (const specifier of extractModuleImports(source)) {
      queue.push({ url: new URL(specifier, base).href, kind: "import" });
    }
  };
  for (const [i, body] of assets.inline.entries()) {
    const bytes = encoder.encode(body);
    files.push({
      url: `${pageUrl}#inline-${i + 1}`,
      kind: "inline",
      bytes: bytes.length,
      gzip_bytes: await gzipSize(bytes),
    });
    follow(body, pageUrl);
  }
  while (queue.length > 0) {
    const { url, kind } = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    if (
      new URL(url).origin !== origin || seen.size > maxFiles ||
      performance.now() > giveUpAt
    ) {
      skipped.push(url);
      continue;
    }
    const bytes = await get(url);
    if (bytes === null) {
      skipped.push(url);
      continue;
    }
    files.push({
      url,
      kind,
      bytes: bytes.length,
      gzip_bytes: await gzipSize(bytes),
    });
    if (kind !== "style") follow(new TextDecoder().decode(bytes), url);
  }
  const total = (list: AssetWeight[]): WeightTotals => ({
    files: list.length,
    bytes: list.reduce((sum, f) => sum + f.bytes, 0),
    gzip_bytes: list.reduce((sum, f) => sum + f.gzip_bytes, 0),
  });
  return {
    status: "ok",
    url: pageUrl,
    js: total(files.filter((f) => f.kind !== "style")),
    css: total(files.filter((f) => f.kind === "style")),
    files,
    skipped,
  };
}
