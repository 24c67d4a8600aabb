/**
 * The load generator, a separate process so that its CPU is not the server's:
 * opens N sockets against one target, measures delivery and latency for a
 * bounded window, and prints one JSON summary ({@linkcode LoadSummary}) on
 * stdout. Phase markers go to stderr as JSON lines
 * (`{"event":"phase","phase":"window-start","at":<epoch ms>}`) so a parent
 * can sample the server exactly over the window.
 *
 * Usage:
 *   deno run --allow-net bench/load_generator.ts --target=bare \
 *     --url=http://127.0.0.1:8000 --connections=200 --duration=5
 * Flags: see `load_options.ts`. Exit code 0 on a completed run, 2 on bad
 * flags, 3 when the hard deadline cut the run short (the partial summary is
 * still printed), 1 on any other error.
 */
import { OptionsError, parseLoadOptions } from "./load_options.ts";
import { type LoadSummary, runLoad } from "./load_run.ts";

/** Grace after the deadline for the partial summary before a forced exit. */
const SUMMARY_GRACE_MS = 5_000;

async function main(): Promise<number> {
  let options;
  try {
    options = parseLoadOptions(Deno.args);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    console.error(`Invalid flags:\n${error.message}`);
    return 2;
  }
  const controller = new AbortController();
  const deadline = setTimeout(() => {
    controller.abort("deadline");
    setTimeout(() => Deno.exit(3), SUMMARY_GRACE_MS);
  }, options.deadline * 1000);
  const stop = () => controller.abort("interrupted");
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    const summary: LoadSummary = await runLoad(options, {
      signal: controller.signal,
      onPhase: (phase) =>
        console.error(
          JSON.stringify({ event: "phase", phase, at: Date.now() }),
        ),
    });
    console.log(JSON.stringify(summary));
    return summary.aborted === null ? 0 : 3;
  } finally {
    clearTimeout(deadline);
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
  }
}

if (import.meta.main) {
  main().then(
    (code) => Deno.exit(code),
    (error) => {
      console.error(`Load generator failed: ${error?.message ?? error}`);
      Deno.exit(1);
    },
  );
}
