/**
 * Calling the ingestion's consumers without letting them stop it: whatever a
 * consumer (tick, trade or state handler, or the logger itself) throws is
 * reported and the loop goes on. Shared by the REST and WebSocket loops.
 */
import type { LogLevel } from "../../config/config_schema.ts";
import { operatorSafeText } from "../bybit/upstream_error.ts";

/** Structured log fields: flat and JSON-safe, so they cross a worker boundary. */
export type LogFields = Readonly<
  Record<string, string | number | boolean | null>
>;

/** The logging callback the loops report through. */
export type LogCallback = (
  level: LogLevel,
  message: string,
  fields: LogFields,
) => void;

/** An error's message, made safe to show operators. */
export function describeError(error: unknown): string {
  return operatorSafeText(
    error instanceof Error ? error.message : String(error),
  );
}

/** Logs through `onLog`; a failing logger has nowhere left to report to. */
export function logSafely(
  onLog: LogCallback,
  level: LogLevel,
  message: string,
  fields: LogFields,
): void {
  try {
    onLog(level, message, fields);
  } catch {
    // Swallowed on purpose: ingestion must outlive its logger.
  }
}

/** Runs `consume`; a throw is logged as "`what` consumer failed". */
export function consumeSafely(
  what: "Tick" | "Trade" | "State",
  consume: () => void,
  onLog: LogCallback,
): void {
  try {
    consume();
  } catch (error) {
    logSafely(onLog, "error", `${what} consumer failed`, {
      message: describeError(error),
    });
  }
}
