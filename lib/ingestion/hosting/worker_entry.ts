/**
 * Web Worker entry of ingestion. A thin adapter: it validates what the main
 * thread sends, runs one {@linkcode IngestEngine} (REST polling, or the
 * WebSocket with REST fallback, as configured), and posts its callbacks back
 * as protocol messages through a {@linkcode BatchGate}: one `batch` per push
 * cycle, the next only once the main thread acked the last. All logic lives
 * in the engine and the gate, so the same engine runs inline when workers are
 * unavailable. It also reports its own heap every few seconds, which the
 * main thread cannot see.
 *
 * Started by `ingestion_host.ts` with
 * `new Worker(new URL("./worker_entry.ts", import.meta.url), { type: "module" })`.
 */
import { systemClock } from "../../clock/clock.ts";
import { repeatEvery, type Repeating } from "../../clock/repeat.ts";
import type { IngestEngine } from "../engines/engine_contract.ts";
import { createIngestEngine } from "../engines/ingest_engine.ts";
import { BatchGate } from "./batch_gate.ts";
import { HEAP_REPORT_MS } from "./ingestion_handle.ts";
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
const gate = new BatchGate((message) => scope.postMessage(message));
let loop: IngestEngine | undefined;
let stopping: Promise<void> | undefined;
let heapReports: Repeating | undefined;

function reportHeap(): void {
  const { heapUsed, heapTotal } = Deno.memoryUsage();
  gate.other({ type: "heap", used: heapUsed, total: heapTotal });
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case "start":
      if (loop !== undefined) {
        gate.other({
          type: "log",
          level: "warn",
          message: "Ingestion worker ignored a second start",
          fields: {},
        });
        return;
      }
      loop = createIngestEngine({
        config: message.config,
        onTicks: (ticks) => gate.ticks(ticks),
        onTrades: (trades) => gate.trades(trades),
        onLiquidations: (liquidations) => gate.liquidations(liquidations),
        onState: (state) => gate.state(state),
        onLog: (level, text, fields) =>
          gate.other({ type: "log", level, message: text, fields }),
      });
      loop.start();
      reportHeap();
      heapReports = repeatEvery(systemClock, HEAP_REPORT_MS, reportHeap);
      return;
    case "ack":
      gate.ack();
      return;
    case "set-threshold":
      loop?.setThreshold(message.symbol, message.value);
      return;
    case "set-symbols":
      loop?.setSymbols(message.symbols, message.thresholds);
      return;
    case "stop":
      heapReports?.stop();
      stopping ??= (async () => {
        await loop?.stop();
        gate.drain();
        gate.other({ type: "stopped" });
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
  gate.other({
    type: "log",
    level: "error",
    message: "Ingestion worker ignored an invalid message",
    fields: { reason: parsed.reason },
  });
};
