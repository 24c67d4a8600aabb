/**
 * `fresh.config.ts` at the project root: options of the runtime that the app,
 * `deno task build` and `deno task dev` share. Fresh 1.x names its file the
 * same way, which keeps a later move mechanical.
 */

/** Settings in `fresh.config.ts` (all optional). */
export interface WebConfig {
  readonly build?: {
    /** Build directory relative to the root. Default `_out/build/`. */
    readonly outDir?: string;
    /** Minify bundles. Default true. */
    readonly minify?: boolean;
  };
  /** Folder of static files relative to the root. Default `static/`. */
  readonly staticDir?: string;
}

/** Identity helper that types `fresh.config.ts`'s default export. */
export function defineConfig(config: WebConfig): WebConfig {
  return config;
}

/** Loads `fresh.config.ts` from `root`, or the defaults when absent. */
export async function loadWebConfig(root: URL): Promise<WebConfig> {
  const url = new URL("fresh.config.ts", root);
  try {
    await Deno.stat(url);
  } catch {
    return {};
  }
  const module = await import(url.href);
  return (module.default ?? {}) as WebConfig;
}

/** Resolves a folder setting against the root, with a trailing slash. */
export function folderUrl(root: URL, folder: string): URL {
  return new URL(folder.endsWith("/") ? folder : `${folder}/`, root);
}
