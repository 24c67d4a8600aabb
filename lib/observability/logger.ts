/**
 * Structured logging: one JSON object per line on stdout with `time`, `level`,
 * `msg` and fields. Fields named like secrets are redacted before writing, so a
 * careless call site cannot leak a token into the logs.
 */
import type { LogLevel } from "../config/config_schema.ts";

/** Extra data attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logging interface every module receives (never a global). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
const SECRET_KEY = /token|secret|password|authorization|cookie/i;

/** Options of {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. Default `info`. */
  readonly level?: LogLevel;
  /** Where lines go. Default: stdout. */
  readonly write?: (line: string) => void;
  /** Clock for the `time` field. Default `Date.now`. */
  readonly now?: () => number;
}

/** A JSON-lines logger filtered by level. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const minimum = RANK[options.level ?? "info"];
  const encoder = new TextEncoder();
  const write = options.write ??
    ((line: string) => Deno.stdout.writeSync(encoder.encode(line + "\n")));
  const now = options.now ?? Date.now;
  const log = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < minimum) return;
    const record: Record<string, unknown> = {
      time: new Date(now()).toISOString(),
      level,
      msg,
    };
    if (fields) Object.assign(record, serialisable(fields, 0));
    write(JSON.stringify(record));
  };
  return {
    debug: (msg, fields) => log("debug", msg, fields),
    info: (msg, fields) => log("info", msg, fields),
    warn: (msg, fields) => log("warn", msg, fields),
    error: (msg, fields) => log("error", msg, fields),
  };
}

/** Nesting kept in a field; deeper values (and cycles) are cut off here. */
const MAX_DEPTH = 5;

/**
 * A JSON-safe copy of `value`: secret-looking keys redacted at every depth
 * (fields often carry whole header or request objects), errors reduced to name
 * and message, bigints as strings, and depth bounded so a cyclic value cannot
 * make a log call throw.
 */
function serialisable(value: unknown, depth: number): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) {
    return value.map((item) => serialisable(item, depth + 1));
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    return serialisable(toJSON.call(value), depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key)
      ? "[redacted]"
      : serialisable(inner, depth + 1);
  }
  return out;
}
