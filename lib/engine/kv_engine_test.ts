/**
 * The conformance suite against Deno KV: several engine instances on one
 * store, as isolates share the platform KV on Deno Deploy. Locally they share
 * one handle: SQLite answers concurrent commits from several handles of one
 * file with "database is locked", and a local watch never sees another
 * process's writes. There is no lost delivery to inject: a watch reports
 * only the latest head and every report is followed by a listing, so the
 * delivery cases (bursts of commits per report) already cover the backfill.
 */
import { runEngineConformance } from "./engine_conformance.ts";
import { KvEngine } from "./kv_engine.ts";

runEngineConformance({
  name: "KvEngine",
  harness: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sentinel-kv-engine-" });
    const path = `${dir}/engine.kv`;
    const shared = await Deno.openKv(path);
    const engines: KvEngine[] = [];
    const handle = () => Promise.resolve(shared);
    return {
      open: async (instance: string | undefined, historySize: number) => {
        const engine = await KvEngine.open({
          kv: await handle(),
          historySize,
          channels: ["A", "B", "nothing"],
          instance,
        });
        engines.push(engine);
        return engine;
      },
      loseData: async () => {
        const kv = await handle();
        for await (const entry of kv.list({ prefix: [] })) {
          await kv.delete(entry.key);
        }
      },
      close: async () => {
        for (const engine of engines) await engine.close();
        shared.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  },
});
