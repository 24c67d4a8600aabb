/**
 * Discovers `routes/` at startup: walks the folder, classifies each file by
 * Fresh's conventions, imports it and checks its exports, so a route that
 * exports nothing usable fails the start instead of the first request.
 * Imports are dynamic (the files are on disk locally and on Deno Deploy).
 */
import type { ComponentType } from "preact";
import {
  classifyRouteFile,
  routePattern,
  type RouteSegment,
} from "./route_path.ts";
import type {
  AppProps,
  Handler,
  Handlers,
  PageProps,
  UnknownPageProps,
} from "./types.ts";

/** HTTP methods a `Handlers` object may name. */
export const METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
] as const;

/** A loaded route file. */
export interface LoadedRoute<State> {
  readonly file: string;
  readonly pattern: string;
  readonly segments: readonly RouteSegment[];
  readonly handler?: Handler<State> | Handlers<State>;
  // deno-lint-ignore no-explicit-any
  readonly page?: ComponentType<PageProps<any, State>>;
}

/** A loaded `_middleware.ts`. */
export interface LoadedMiddleware<State> {
  readonly file: string;
  readonly segments: readonly RouteSegment[];
  readonly handlers: readonly Handler<State>[];
}

/** Everything `routes/` defines. */
export interface LoadedRoutes<State> {
  readonly routes: LoadedRoute<State>[];
  readonly middleware: LoadedMiddleware<State>[];
  readonly app?: ComponentType<AppProps<State>>;
  readonly notFound?: ComponentType<UnknownPageProps<State>>;
}

/** Loads every route file under `dir` (a folder URL ending in `/`). */
export async function loadRoutes<State>(
  dir: URL,
): Promise<LoadedRoutes<State>> {
  const loaded: LoadedRoutes<State> = { routes: [], middleware: [] };
  const result = loaded as {
    -readonly [K in keyof LoadedRoutes<State>]: LoadedRoutes<State>[K];
  };
  for (const file of (await listFiles(dir, "")).sort()) {
    const classified = classifyRouteFile(file);
    if (!classified) continue;
    const module = await import(new URL(encodePath(file), dir).href);
    switch (classified.kind) {
      case "route": {
        const handler = module.handler;
        const page = module.default;
        checkHandler(file, handler);
        if (page !== undefined && typeof page !== "function") {
          throw new TypeError(
            `Route ${file}: default export is not a component`,
          );
        }
        if (handler === undefined && page === undefined) {
          throw new TypeError(
            `Route ${file} exports neither a handler nor a page component`,
          );
        }
        result.routes.push({
          file,
          pattern: routePattern(classified.segments),
          segments: classified.segments,
          handler,
          page,
        });
        break;
      }
      case "middleware": {
        const raw = module.handler;
        const handlers = Array.isArray(raw) ? raw : [raw];
        if (
          handlers.length === 0 || handlers.some((h) => typeof h !== "function")
        ) {
          throw new TypeError(
            `Middleware ${file} must export handler as a function or an array of functions`,
          );
        }
        result.middleware.push({
          file,
          segments: classified.segments,
          handlers,
        });
        break;
      }
      case "app":
      case "notFound":
        if (typeof module.default !== "function") {
          throw new TypeError(`${file} must default-export a component`);
        }
        result[classified.kind] = module.default;
        break;
    }
  }
  return loaded;
}

function checkHandler(file: string, handler: unknown): void {
  if (handler === undefined || typeof handler === "function") return;
  if (typeof handler !== "object" || handler === null) {
    throw new TypeError(
      `Route ${file}: handler is neither a function nor an object`,
    );
  }
  for (const [method, fn] of Object.entries(handler)) {
    if (!(METHODS as readonly string[]).includes(method)) {
      throw new TypeError(`Route ${file}: unknown method ${method} in handler`);
    }
    if (typeof fn !== "function") {
      throw new TypeError(`Route ${file}: handler.${method} is not a function`);
    }
  }
}

async function listFiles(dir: URL, prefix: string): Promise<string[]> {
  const files: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(
      Deno.readDir(new URL(encodePath(prefix), dir)),
    );
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && prefix === "") return [];
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory) {
      files.push(...await listFiles(dir, `${prefix}${entry.name}/`));
    } else if (entry.isFile) {
      files.push(`${prefix}${entry.name}`);
    }
  }
  return files;
}

/** Percent-encodes each path segment (`[symbol]` is not URL-safe). */
function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
