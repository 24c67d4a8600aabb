/**
 * Opens the Deno KV store: a local SQLite file by default, `:memory:` for
 * tests, and the platform's own KV on Deno Deploy (where no path is given).
 */
import { dirname } from "node:path";

/** Options of {@linkcode openKv}. */
export interface OpenKvOptions {
  /** File path, `:memory:`, or undefined for the platform default. */
  readonly path?: string;
}

/** Opens KV at `path`, creating the parent folder of a file path. */
export async function openKv(options: OpenKvOptions): Promise<Deno.Kv> {
  const { path } = options;
  if (path === undefined) return await Deno.openKv();
  if (path !== ":memory:") {
    await Deno.mkdir(dirname(path), { recursive: true });
  }
  return await Deno.openKv(path);
}
