/**
 * Test fixture: the real ingestion worker, plus faults a test upstream can
 * trigger with the response header `x-test-worker-fault`:
 * - `crash`: an uncaught error in the worker (the host sees an error event);
 * - `hang`: the worker's thread blocks and never answers again (only the
 *   host's watchdog can notice).
 * The loop itself is untouched; only `fetch` is wrapped to read the header.
 */
import "../worker_entry.ts";

const realFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const fault = response.headers.get("x-test-worker-fault");
  if (fault === "crash") {
    setTimeout(() => {
      throw new Error("Injected worker crash");
    });
  } else if (fault === "hang") {
    setTimeout(() => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      while (Atomics.wait(cell, 0, 0, 50) !== "not-equal");
    });
  }
  return response;
};
