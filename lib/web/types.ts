/**
 * The contract between route files and the web runtime, mirroring Fresh 1.x:
 * a route module exports `handler` (a function or a per-method object) and/or
 * a default page component; `_middleware.ts` exports `handler` taking
 * `ctx.next()`. Keeping these names lets the project move to Fresh mechanically.
 */
import type { ComponentType } from "preact";

/** Per-request context handed to handlers, middleware and pages. */
export interface RouteContext<State = Record<string, unknown>, Data = unknown> {
  /** The request URL, parsed once. */
  readonly url: URL;
  /** Path parameters from `[name].tsx` segments, already URI-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Request-scoped state; middleware adds to it, routes read it. */
  readonly state: State;
  /** Connection info from `Deno.serve` (remote address). */
  readonly info: Deno.ServeHandlerInfo;
  /** Renders the route's page component with `data` (pages only). */
  render(data?: Data, init?: ResponseInit): Promise<Response>;
  /** Calls the next middleware or the route (middleware only). */
  next(): Promise<Response>;
  /**
   * Renders the `_404` page with status 404 (Fresh's `ctx.renderNotFound`),
   * e.g. for a well-formed but unknown `[param]`.
   */
  renderNotFound(): Promise<Response>;
}

/** A request handler: the same shape for routes and middleware. */
export type Handler<State = Record<string, unknown>, Data = unknown> = (
  req: Request,
  ctx: RouteContext<State, Data>,
) => Response | Promise<Response>;

/** Per-method handlers; a method without an entry answers 405. */
export type Handlers<State = Record<string, unknown>, Data = unknown> = Partial<
  Record<
    "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS",
    Handler<State, Data>
  >
>;

/** Props a page component receives. */
export interface PageProps<Data = unknown, State = Record<string, unknown>> {
  readonly data: Data;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly state: State;
}

/** What a file under `routes/` may export. */
export interface RouteModule<State = Record<string, unknown>, Data = unknown> {
  handler?: Handler<State, Data> | Handlers<State, Data>;
  default?: ComponentType<PageProps<Data, State>>;
}

/** Props of `routes/_app.tsx`: the document shell around every page. */
export interface AppProps<State = Record<string, unknown>> {
  /** The page being rendered, already bound to its props. */
  readonly Component: ComponentType<Record<string, never>>;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly state: State;
}

/** Props of `routes/_404.tsx`. */
export interface UnknownPageProps<State = Record<string, unknown>> {
  readonly url: URL;
  readonly state: State;
}
