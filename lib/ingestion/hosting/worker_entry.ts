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
  type DataBatch,
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

/**
 * Posts `message`; data gathered this turn goes out first, so the main
 * thread sees everything in the order it happened (a state report never
 * counts ticks it has not received yet).
 */
function post(message: WorkerMessage): void {
  if (message.type !== "batch") flushData();
  scope.postMessage(message);
}

/**
 * The data of the current turn: the engine reports a cycle's ticks, trades
 * and liquidations one after the other, and they leave as one `batch`
 * message at the end of the turn.
 */
let pending: { -readonly [K in keyof DataBatch]: DataBatch[K] } | undefined;

function append<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}

function gather(): { -readonly [K in keyof DataBatch]: DataBatch[K] } {
  if (pending === undefined) {
    pending = { ticks: [], trades: [], liquidations: [] };
    queueMicrotask(flushData);
  }
  return pending;
}

function flushData(): void {
  const batch = pending;
  if (batch === undefined) return;
  pending = undefined;
  post({ type: "batch", ...batch });
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
        onTicks: (ticks) => append(gather().ticks, ticks),
        onTrades: (trades) => append(gather().trades, trades),
        onLiquidations: (liquidations) =>
          append(gather().liquidations, liquidations),
        onState: (state) => post({ type: "state", state }),
        onLog: (level, text, fields) =>
          post({ type: "log", level, message: text, fields }),
      });
      loop.start();
      return;
    case "set-threshold":
      loop?.setThreshold(message.symbol, message.value);
      return;
    case "set-symbols":
      loop?.setSymbols(message.symbols, message.thresholds);
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
