/**
 * Web Worker entry of ingestion. A thin adapter: it validates what the main
 * thread sends, runs one {@linkcode IngestEngine} (REST polling, or the
 * WebSocket with REST fallback, as configured), and posts its callbacks back
 * as protocol messages. All logic lives in the engine, so the same code runs
 * inline when workers are unavailable.
 *
 * Started by `ingestion_host.ts` with
 * `new Worker(new URL("./worker_entry.ts", import.meta.url), { type: "module" })`.
 */
import type { IngestEngine } from "../engines/engine_contract.ts";
import { createIngestEngine } from "../engines/ingest_engine.ts";
import {
  type HostMessage,
  parseHostMessage,
  type WorkerMessage,
} from "./worker_messages.ts";

/** The parts of the worker global scope this entry uses. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: WorkerMessage): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
let loop: IngestEngine | undefined;
let stopping: Promise<void> | undefined;

function post(message: WorkerMessage): void {
  scope.postMessage(message);
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case "start":
      if (loop !== undefined) {
        post({
          type: "log",
          level: "warn",
          message: "Ingestion worker ignored a second start",
          fields: {},
        });
        return;
      }
      loop = createIngestEngine({
        config: message.config,
        onTicks: (ticks) => post({ type: "ticks", ticks }),
        onTrades: (trades) => post({ type: "trades", trades }),
        onState: (state) => post({ type: "state", state }),
        onLog: (level, text, fields) =>
          post({ type: "log", level, message: text, fields }),
      });
      loop.start();
      return;
    case "set-threshold":
      loop?.setThreshold(message.symbol, message.value);
      return;
    case "stop":
      stopping ??= (async () => {
        await loop?.stop();
        post({ type: "stopped" });
        scope.close();
      })();
      return;
  }
}

scope.onmessage = (event) => {
  const parsed = parseHostMessage(event.data);
  if (parsed.ok) {
    handle(parsed.message);
    return;
  }
  post({
    type: "log",
    level: "error",
    message: "Ingestion worker ignored an invalid message",
    fields: { reason: parsed.reason },
  });
};
