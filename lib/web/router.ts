/**
 * Finds, for a request path, the route that serves it and the middleware that
 * wraps it. Pure and generic over what a route is, so the matching rules are
 * tested without files or modules.
 */
import {
  compareRoutes,
  matchSegments,
  type RouteSegment,
  splitPathname,
} from "./route_path.ts";

/** A route known to the router. */
export interface RouterRoute<R> {
  readonly segments: readonly RouteSegment[];
  readonly value: R;
}

/** Middleware guarding a folder (and everything below it). */
export interface RouterMiddleware<M> {
  readonly segments: readonly RouteSegment[];
  readonly value: M;
}

/** The result of {@linkcode Router.match}. */
export interface RouterMatch<R, M> {
  /** The route and its decoded parameters, or undefined when none matches. */
  readonly route?: {
    readonly value: R;
    readonly params: Record<string, string>;
  };
  /** Middleware whose folder contains the path, outermost first. */
  readonly middleware: readonly M[];
}

/** Paths whose match is remembered; the memory is dropped when full. */
const MATCH_CACHE_SIZE = 512;

/**
 * Matches request paths to routes (most specific first) and middleware.
 * Matches are remembered per path (bounded): every handshake of a symbol's
 * stream asks for the same path, and matching walks every route.
 */
export class Router<R, M> {
  #routes: RouterRoute<R>[];
  #middleware: RouterMiddleware<M>[];
  #cache = new Map<string, RouterMatch<R, M>>();

  /** Sorts `routes` by specificity and `middleware` by depth once. */
  constructor(
    routes: readonly RouterRoute<R>[],
    middleware: readonly RouterMiddleware<M>[] = [],
  ) {
    this.#routes = [...routes].sort((a, b) =>
      compareRoutes(a.segments, b.segments)
    );
    this.#middleware = [...middleware].sort((a, b) =>
      a.segments.length - b.segments.length
    );
  }

  /**
   * Matches a URL pathname (still percent-encoded). The result is shared
   * between requests for the same path: frozen, never to be changed.
   */
  match(pathname: string): RouterMatch<R, M> {
    let found = this.#cache.get(pathname);
    if (found === undefined) {
      if (this.#cache.size >= MATCH_CACHE_SIZE) this.#cache.clear();
      found = deepFreeze(this.#match(pathname));
      this.#cache.set(pathname, found);
    }
    return found;
  }

  #match(pathname: string): RouterMatch<R, M> {
    const path = splitPathname(pathname);
    const middleware = this.#middleware
      .filter((m) => matchSegments(m.segments, path, true) !== undefined)
      .map((m) => m.value);
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, path);
      if (params) return { route: { value: route.value, params }, middleware };
    }
    return { middleware };
  }
}

function deepFreeze<R, M>(match: RouterMatch<R, M>): RouterMatch<R, M> {
  if (match.route) Object.freeze(match.route.params);
  Object.freeze(match.route);
  Object.freeze(match.middleware);
  return Object.freeze(match);
}
