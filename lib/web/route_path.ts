/**
 * Fresh's file-name conventions, as pure functions: which files under
 * `routes/` are routes, middleware or special pages, what URL path each route
 * serves, and how a request path matches it. Segment matching is done here
 * rather than with `URLPattern` so that ranking (static before `[param]`
 * before `[...rest]`) and parameter decoding are explicit and tested.
 */

/** One segment of a route path. */
export type RouteSegment =
  | { readonly kind: "static"; readonly value: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "rest"; readonly name: string };

/** What a file under `routes/` is, derived from its relative path. */
export type RouteFile =
  | {
    readonly kind: "route";
    readonly file: string;
    readonly segments: readonly RouteSegment[];
  }
  | {
    readonly kind: "middleware";
    readonly file: string;
    /** The folder the middleware guards. */
    readonly segments: readonly RouteSegment[];
  }
  | { readonly kind: "app"; readonly file: string }
  | { readonly kind: "notFound"; readonly file: string };

const MODULE_EXTENSION = /\.(tsx?|jsx?|mts|mjs)$/;
const TEST_FILE = /(_test|\.test)\.(tsx?|jsx?|mts|mjs)$/;
const PARAM = /^\[([A-Za-z_][A-Za-z0-9_]*)\]$/;
const REST = /^\[\.\.\.([A-Za-z_][A-Za-z0-9_]*)\]$/;

/**
 * Classifies `file` (relative to `routes/`, `/`-separated). Returns undefined
 * for files the router ignores (tests, non-modules); throws a `TypeError` for
 * names that look like conventions but are not (a typo such as
 * `_midleware.ts` must not silently become a public route).
 */
export function classifyRouteFile(file: string): RouteFile | undefined {
  if (!MODULE_EXTENSION.test(file) || TEST_FILE.test(file)) return undefined;
  const parts = file.replace(MODULE_EXTENSION, "").split("/");
  const name = parts.pop()!;
  const folder = parts.map((part) => parseSegment(part, file));
  if (name === "_middleware") {
    return { kind: "middleware", file, segments: folder };
  }
  if (name === "_app" || name === "_404") {
    if (folder.length > 0) {
      throw new TypeError(`Route file ${file} must be at the top of routes/`);
    }
    return { kind: name === "_app" ? "app" : "notFound", file };
  }
  if (name.startsWith("_")) {
    throw new TypeError(`Route file ${file} has an unknown special name`);
  }
  const segments = name === "index"
    ? folder
    : [...folder, parseSegment(name, file)];
  const restAt = segments.findIndex((s) => s.kind === "rest");
  if (restAt !== -1 && restAt !== segments.length - 1) {
    throw new TypeError(`Route file ${file} has [...rest] before its end`);
  }
  return { kind: "route", file, segments };
}

function parseSegment(part: string, file: string): RouteSegment {
  const rest = REST.exec(part);
  if (rest) return { kind: "rest", name: rest[1] };
  const param = PARAM.exec(part);
  if (param) return { kind: "param", name: param[1] };
  if (part.includes("[") || part.includes("]") || part === "") {
    throw new TypeError(`Route file ${file} has a malformed segment "${part}"`);
  }
  return { kind: "static", value: part };
}

/** The Fresh-style pattern of a route, e.g. `/s/:symbol`, for logs and errors. */
export function routePattern(segments: readonly RouteSegment[]): string {
  return "/" +
    segments.map((s) =>
      s.kind === "static"
        ? s.value
        : s.kind === "param"
        ? `:${s.name}`
        : `:${s.name}*`
    ).join("/");
}

/**
 * Orders routes so the most specific wins: at the first differing position a
 * static segment beats a `[param]`, which beats `[...rest]`; otherwise the
 * shorter path first. Use with `Array.prototype.sort`.
 */
export function compareRoutes(
  a: readonly RouteSegment[],
  b: readonly RouteSegment[],
): number {
  const rank = { static: 0, param: 1, rest: 2 } as const;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = rank[a[i].kind] - rank[b[i].kind];
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/**
 * Splits a URL pathname into segments, ignoring one trailing slash. Segments
 * stay percent-encoded; matching decodes parameters.
 */
export function splitPathname(pathname: string): string[] {
  const trimmed = pathname.replace(/^\/+/, "").replace(/\/$/, "");
  return trimmed === "" ? [] : trimmed.split("/");
}

/**
 * Matches path segments against a route. With `prefix`, the route only has to
 * match the start of the path (middleware folders). Returns the decoded
 * parameters, or undefined (also for undecodable `%` escapes).
 */
export function matchSegments(
  route: readonly RouteSegment[],
  path: readonly string[],
  prefix = false,
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.length; i++) {
    const segment = route[i];
    if (segment.kind === "rest") {
      const value = decode(path.slice(i).join("/"));
      if (value === undefined) return undefined;
      params[segment.name] = value;
      return params;
    }
    const part = path[i];
    if (part === undefined || part === "") return undefined;
    if (segment.kind === "static") {
      if (part !== segment.value) return undefined;
      continue;
    }
    const value = decode(part);
    if (value === undefined) return undefined;
    params[segment.name] = value;
  }
  return prefix || path.length === route.length ? params : undefined;
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
