/**
 * Makes sure the Node peers' pinned packages are installed before a run
 * (`npm ci --prefix bench/peers`, from the committed lockfile), since
 * `node_modules/` is never committed and a fresh machine has none.
 */
import { ManagedProcess } from "./managed_process.ts";

/** Longest `npm ci` allowed. */
const INSTALL_TIMEOUT_MS = 180_000;

/**
 * Dependencies of `packageJson` whose installed version (null: missing)
 * differs from the pinned one. Pure, for testing.
 */
export function missingPeerDeps(
  pinned: Readonly<Record<string, string>>,
  installed: Readonly<Record<string, string | null>>,
): string[] {
  return Object.entries(pinned)
    .filter(([name, version]) => installed[name] !== version)
    .map(([name, version]) => `${name}@${version}`);
}

async function installedVersion(
  peersDir: string,
  name: string,
): Promise<string | null> {
  try {
    const text = await Deno.readTextFile(
      `${peersDir}/node_modules/${name}/package.json`,
    );
    return (JSON.parse(text) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/**
 * Installs the peers' dependencies when any pinned one is missing or at
 * another version. Returns what was missing (empty when nothing was done);
 * throws with npm's output when the install fails or times out.
 */
export async function ensurePeerDeps(peersDir: string): Promise<string[]> {
  const manifest = JSON.parse(
    await Deno.readTextFile(`${peersDir}/package.json`),
  ) as { dependencies?: Record<string, string> };
  const pinned = manifest.dependencies ?? {};
  const installed: Record<string, string | null> = {};
  for (const name of Object.keys(pinned)) {
    installed[name] = await installedVersion(peersDir, name);
  }
  const missing = missingPeerDeps(pinned, installed);
  if (missing.length === 0) return [];
  const npm = ManagedProcess.start({
    name: "npm ci",
    command: "npm",
    args: ["ci", "--prefix", peersDir, "--no-audit", "--no-fund"],
    raiseFileLimit: false,
  });
  const status = await npm.waitExit(INSTALL_TIMEOUT_MS);
  await npm.stop();
  if (!status?.success) {
    throw new Error(
      `Installing the peers' packages failed (${
        status ? `exit ${status.code}` : "timed out"
      }): ${npm.tail().slice(-2_000)}`,
    );
  }
  return missing;
}
