/**
 * Finds the islands of a project: every module directly in `islands/` (tests
 * excluded). Its base name is the island's name — in markers, in the build
 * and in the manifest — so it must be a plain identifier, and `boot` is taken
 * by the runtime's own entry.
 */

/** An island module on disk. */
export interface IslandFile {
  /** Base name without extension, e.g. `price_card`. */
  readonly name: string;
  /** Module URL. */
  readonly url: URL;
}

const ISLAND_MODULE = /^([A-Za-z][A-Za-z0-9_]*)\.(tsx|ts|jsx|js)$/;
const TEST_MODULE = /(_test|\.test)\.(tsx|ts|jsx|js)$/;

/** Lists `islands/` under `root`, sorted by name; empty when there is none. */
export async function listIslandFiles(root: URL): Promise<IslandFile[]> {
  const dir = new URL("islands/", root);
  const islands: IslandFile[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || TEST_MODULE.test(entry.name)) continue;
      const match = ISLAND_MODULE.exec(entry.name);
      if (!match) {
        if (/\.(tsx|ts|jsx|js)$/.test(entry.name)) {
          throw new TypeError(
            `Island file islands/${entry.name} must be named like an identifier`,
          );
        }
        continue;
      }
      if (match[1] === "boot") {
        throw new TypeError("Island name boot is reserved by the runtime");
      }
      islands.push({ name: match[1], url: new URL(entry.name, dir) });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const names = new Set<string>();
  for (const island of islands) {
    if (names.has(island.name)) {
      throw new TypeError(`Island ${island.name} is defined twice`);
    }
    names.add(island.name);
  }
  return islands.sort((a, b) => a.name.localeCompare(b.name));
}
