/**
 * The web runtime's entry: `createApp` loads `routes/` and `islands/`, makes
 * sure the client bundles are built and current, and returns the request
 * handler for `Deno.serve`.
 *
 * Per request: middleware whose folder contains the path runs outermost
 * first, each calling `ctx.next()`; innermost is the route (or a static
 * file, a build file, or the not-found answer). Whatever a handler returns is
 * returned untouched — a 101 WebSocket upgrade must not be wrapped or copied.
 * A thrown error travels back up through the middleware (the app's root
 * middleware may catch it); one that escapes every middleware goes to the one
 * error handler (`onError`). The runtime's own refusals — no route (404) and a
 * method the route lacks (405) — are `HttpError`s handed to the same handler
 * at the innermost step, so their answer passes back out through the
 * middleware like a route's.
 */
import { h } from "preact";
import { type BuildManifest, readManifest } from "./build_manifest.ts";
import { ensureBundles } from "./build_freshness.ts";
import { defaultOutDir } from "./bundler.ts";
import { type ErrorHandler, errorHandler } from "./error_handler.ts";
import { HttpError } from "./http_error.ts";
import { acceptsGzip, gzipStream } from "./compression.ts";
import { folderUrl, loadWebConfig } from "./config.ts";
import { listIslandFiles } from "./island_files.ts";
import { registerIsland } from "./island_ssr.ts";
import { type LoadedRoute, loadRoutes, METHODS } from "./load_routes.ts";
import { renderPage } from "./render_page.tsx";
import { compareRoutes } from "./route_path.ts";
import { Router } from "./router.ts";
import { serveBuildFile, StaticFiles } from "./static_files.ts";
import type { Handler, Handlers, RouteContext } from "./types.ts";

/** Where build files are served: `/_build/<buildId>/<file>.js`. */
export const BUILD_PREFIX = "/_build";

/** What the runtime reports (structurally compatible with the app's logger). */
export interface WebLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@linkcode createApp}. */
export interface AppOptions<State> {
  /** Project root holding `routes/`, `islands/`, `static/`. */
  readonly root: URL;
  /** Builds `ctx.state` for each request. */
  readonly state: (req: Request, info: Deno.ServeHandlerInfo) => State;
  /** Development mode: unminified bundles. Default false. */
  readonly dev?: boolean;
  /**
   * What to do about client bundles: `"ensure"` builds them when missing or
   * stale (needs permission to run `deno`), `"existing"` uses whatever build
   * is there, `"none"` serves pages without island scripts. Default
   * `"ensure"`; where building is impossible it falls back to `"existing"`.
   */
  readonly bundles?: "ensure" | "existing" | "none";
  /** Build directory. Default: `fresh.config.ts`'s, else `_out/build/`. */
  readonly outDir?: URL;
  /** Where runtime events go. Default: the console. */
  readonly logger?: WebLogger;
  /**
   * Turns thrown errors into responses: the runtime's 404/405 and anything
   * that escapes every middleware. Default {@linkcode errorHandler} over
   * `logger` (JSON `{error, detail}`, logging only 5xx and unexpected errors).
   */
  readonly onError?: ErrorHandler;
}

/** A loaded application. */
export interface App {
  /** The request handler for `Deno.serve`. */
  readonly handler: (
    req: Request,
    info: Deno.ServeHandlerInfo,
  ) => Promise<Response>;
  /** Route patterns, most specific first (for logs and tests). */
  readonly routes: readonly string[];
  /** The client build in use, if any. */
  readonly bundles?: BuildManifest;
}

const consoleLogger: WebLogger = {
  info: (message, fields) => console.info(message, fields ?? ""),
  warn: (message, fields) => console.warn(message, fields ?? ""),
  error: (message, fields) => console.error(message, fields ?? ""),
};

/** Loads the application under `options.root`. */
export async function createApp<State>(
  options: AppOptions<State>,
): Promise<App> {
  const { root } = options;
  const logger = options.logger ?? consoleLogger;
  const onError = options.onError ?? errorHandler({ logger });
  const config = await loadWebConfig(root);
  const outDir = options.outDir ??
    (config.build?.outDir
      ? folderUrl(root, config.build.outDir)
      : defaultOutDir(root));
  for (const island of await listIslandFiles(root)) {
    const module = await import(island.url.href);
    if (typeof module.default !== "function") {
      throw new TypeError(
        `Island ${island.name} must default-export a component`,
      );
    }
    registerIsland(island.name, module.default);
  }
  const loaded = await loadRoutes<State>(folderUrl(root, "routes"));
  const statics = await StaticFiles.scan(
    folderUrl(root, config.staticDir ?? "static"),
  );
  const bundles = await prepareBundles(
    options,
    outDir,
    config.build?.minify,
    logger,
  );
  const router = new Router(
    loaded.routes.map((route) => ({ segments: route.segments, value: route })),
    loaded.middleware.map((m) => ({ segments: m.segments, value: m.handlers })),
  );

  function render(
    req: Request,
    route: LoadedRoute<State> | undefined,
    base: Omit<RouteContext<State>, "render" | "next" | "renderNotFound">,
    data: unknown,
    init: ResponseInit | undefined,
    notFound: boolean,
  ): Response {
    let page;
    if (notFound) {
      const NotFound = loaded.notFound;
      const props = { url: base.url, state: base.state };
      page = NotFound
        ? () => h(NotFound, props)
        : () => h("main", null, h("h1", null, "404 — Not found"));
    } else {
      const Page = route?.page;
      if (!Page) {
        throw new Error(
          `Route ${route?.pattern ?? "(none)"} has no page to render`,
        );
      }
      const props = {
        data,
        url: base.url,
        params: base.params,
        state: base.state,
      };
      page = () => h(Page, props);
    }
    const html = renderPage({
      page,
      app: loaded.app,
      url: base.url,
      params: base.params,
      state: base.state,
      bundles,
      buildPrefix: BUILD_PREFIX,
    });
    const headers = new Headers(init?.headers);
    if (!headers.has("content-type")) {
      headers.set("content-type", "text/html; charset=utf-8");
    }
    headers.append("vary", "accept-encoding");
    const zipped = acceptsGzip(req) && !headers.has("content-encoding");
    if (zipped) headers.set("content-encoding", "gzip");
    return new Response(zipped ? gzipStream(html) : html, {
      status: init?.status ?? (notFound ? 404 : 200),
      statusText: init?.statusText,
      headers,
    });
  }

  async function innermost(
    req: Request,
    ctx: RouteContext<State>,
    route: LoadedRoute<State> | undefined,
  ): Promise<Response> {
    if (route) {
      const refusal = methodNotAllowed(req, route);
      if (refusal) return await onError(refusal, req);
      return await dispatch(req, ctx, route);
    }
    const { pathname } = ctx.url;
    if (req.method === "GET" || req.method === "HEAD") {
      if (statics.has(pathname)) return await statics.serve(req, pathname);
      if (pathname.startsWith(`${BUILD_PREFIX}/`)) {
        const response = await serveBuildFile(
          req,
          outDir,
          pathname.slice(BUILD_PREFIX.length),
        );
        if (response) return response;
      }
    }
    if (wantsJson(req, pathname)) {
      return await onError(
        new HttpError(
          404,
          "not_found",
          `No route matches ${req.method} ${pathname}`,
        ),
        req,
      );
    }
    return await ctx.renderNotFound();
  }

  async function handler(
    req: Request,
    info: Deno.ServeHandlerInfo,
  ): Promise<Response> {
    try {
      const url = new URL(req.url);
      const match = router.match(url.pathname);
      const route = match.route?.value;
      const base = {
        url,
        params: match.route?.params ?? {},
        state: options.state(req, info),
        info,
      };
      const layers = match.middleware.flat();
      const call = (index: number): Promise<Response> => {
        const ctx: RouteContext<State> = {
          ...base,
          render: (data, init) =>
            Promise.resolve(render(req, route, base, data, init, false)),
          renderNotFound: () =>
            Promise.resolve(
              render(req, route, base, undefined, undefined, true),
            ),
          next: () => {
            if (index >= layers.length) {
              return Promise.reject(
                new Error("ctx.next() was called by the route itself"),
              );
            }
            return call(index + 1);
          },
        };
        return index < layers.length
          ? respond(layers[index], req, ctx)
          : innermost(req, ctx, route);
      };
      return await call(0);
    } catch (error) {
      return await onError(error, req);
    }
  }

  return {
    handler,
    routes: [...loaded.routes]
      .sort((a, b) =>
        compareRoutes(a.segments, b.segments) ||
        a.pattern.localeCompare(b.pattern)
      )
      .map((route) => route.pattern),
    bundles,
  };
}

async function prepareBundles(
  options: AppOptions<unknown>,
  outDir: URL,
  minify: boolean | undefined,
  logger: WebLogger,
): Promise<BuildManifest | undefined> {
  const mode = options.bundles ?? "ensure";
  if (mode === "none") return undefined;
  if (mode === "ensure") {
    try {
      const result = await ensureBundles({
        root: options.root,
        outDir,
        minify: options.dev ? false : minify ?? true,
      });
      if (result.rebuilt) {
        logger.info("Built client bundles", {
          reason: result.rebuilt,
          build_id: result.manifest.buildId,
        });
      }
      return result.manifest;
    } catch (error) {
      logger.warn("Could not build client bundles; using the existing build", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const existing = await readManifest(outDir);
  if (!existing) {
    logger.warn("No client bundles: pages render without interactive islands", {
      hint: "run `deno task build`",
    });
  }
  return existing;
}

/** Runs a handler and insists on a Response (a missing return is a bug). */
async function respond<State>(
  handler: Handler<State>,
  req: Request,
  ctx: RouteContext<State>,
): Promise<Response> {
  const response = await handler(req, ctx);
  if (!(response instanceof Response)) {
    throw new TypeError(`Handler for ${ctx.url.pathname} returned no Response`);
  }
  return response;
}

/** The handler a route has for the request method, if any. */
function handlerFor<State>(
  req: Request,
  route: LoadedRoute<State>,
): Handler<State> | undefined {
  const { handler } = route;
  if (typeof handler === "function") return handler;
  const handlers: Handlers<State> = handler ?? {};
  const method = req.method as keyof Handlers<State>;
  return handlers[method] ?? (method === "HEAD" ? handlers.GET : undefined);
}

/** True when the route's page answers the request (GET or HEAD). */
function rendersPage<State>(req: Request, route: LoadedRoute<State>): boolean {
  return route.page !== undefined &&
    (req.method === "GET" || req.method === "HEAD");
}

/**
 * The 405 for a method the route neither handles nor renders, with `Allow`
 * listing the methods it does; undefined when the method is served.
 */
function methodNotAllowed<State>(
  req: Request,
  route: LoadedRoute<State>,
): HttpError | undefined {
  if (handlerFor(req, route) || rendersPage(req, route)) return undefined;
  const handlers: Handlers<State> = typeof route.handler === "object"
    ? route.handler
    : {};
  const allowed = METHODS.filter((m) =>
    handlers[m] !== undefined ||
    (m === "HEAD" && handlers.GET !== undefined) ||
    (route.page !== undefined && (m === "GET" || m === "HEAD"))
  ).join(", ");
  return new HttpError(
    405,
    "method_not_allowed",
    `${req.method} is not allowed on ${route.pattern}; use ${allowed}`,
    { headers: { allow: allowed } },
  );
}

/** Calls the route's handler for the request method, or renders its page. */
function dispatch<State>(
  req: Request,
  ctx: RouteContext<State>,
  route: LoadedRoute<State>,
): Promise<Response> {
  const handler = handlerFor(req, route);
  return handler ? respond(handler, req, ctx) : ctx.render();
}

/** API paths and non-browser clients get JSON errors; browsers get pages. */
function wantsJson(req: Request, pathname: string): boolean {
  if (pathname === "/api" || pathname.startsWith("/api/")) return true;
  return !(req.headers.get("accept") ?? "").includes("text/html");
}
