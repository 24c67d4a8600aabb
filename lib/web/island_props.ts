/**
 * Island props on the wire: the server serialises every island's props on a
 * page into one JSON document inside `<script type="application/json">`; the
 * browser revives them before hydrating. Browser-safe.
 *
 * Plain JSON loses what islands rely on, so a few values are tagged as
 * one-key objects: `{"$s":id,"v":…}` a signal (the same signal passed to two
 * islands comes back as ONE signal, so islands keep sharing state),
 * `{"$d":iso}` a Date, `{"$n":"NaN"}` a non-finite number, `{"$u":1}`
 * undefined. User keys that start with `$` are escaped by doubling the `$`.
 * Functions, class instances and cycles are refused with the prop's path, so
 * a mistake shows up at render time instead of as a broken island.
 */
import { Signal, signal } from "@preact/signals";

/** A JSON value after tagging. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Serialises `value` to JSON text that is safe inside a `<script>` element:
 * `<`, `>`, `&`, U+2028 and U+2029 are escaped, so a string containing
 * `</script>` or `<!--` cannot end the element early.
 */
export function serializeProps(value: unknown): string {
  const signals = new Map<Signal<unknown>, number>();
  const json = JSON.stringify(encode(value, "props", signals, new Set()));
  return json.replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function encode(
  value: unknown,
  path: string,
  signals: Map<Signal<unknown>, number>,
  ancestors: Set<object>,
): Json {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : { $n: String(value) };
    case "undefined":
      return { $u: 1 };
    case "object":
      break;
    default:
      throw new TypeError(
        `Island prop ${path} cannot be serialised (${typeof value})`,
      );
  }
  if (value === null) return null;
  if (value instanceof Date) {
    return { $d: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  }
  if (value instanceof Signal) {
    const known = signals.get(value);
    if (known !== undefined) return { $s: known };
    const id = signals.size;
    signals.set(value, id);
    return {
      $s: id,
      v: encode(value.peek(), `${path}.value`, signals, ancestors),
    };
  }
  if (ancestors.has(value)) {
    throw new TypeError(`Island prop ${path} is a circular reference`);
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item, i) =>
        encode(item, `${path}[${i}]`, signals, ancestors)
      );
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(
        `Island prop ${path} cannot be serialised (${
          proto?.constructor?.name ?? "object"
        } instance)`,
      );
    }
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key.startsWith("$") ? `$${key}` : key] = encode(
        item,
        `${path}.${key}`,
        signals,
        ancestors,
      );
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** Revives JSON text written by {@linkcode serializeProps}. */
export function deserializeProps(text: string): unknown {
  return decode(JSON.parse(text), new Map());
}

function decode(value: Json, signals: Map<number, Signal<unknown>>): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => decode(item, signals));
  if ("$s" in value) {
    const id = value.$s as number;
    let revived = signals.get(id);
    if (!revived) {
      revived = signal(decode(value.v, signals));
      signals.set(id, revived);
    }
    return revived;
  }
  if ("$d" in value) {
    return value.$d === null ? new Date(NaN) : new Date(value.$d as string);
  }
  if ("$n" in value) return Number(value.$n);
  if ("$u" in value) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key.startsWith("$$") ? key.slice(1) : key] = decode(item, signals);
  }
  return out;
}
