/**
 * What one page render collects on the side: the islands it met (in order,
 * with their props) and the `<Head>` content. Server rendering is synchronous,
 * so one module-level "current scope" is safe even with concurrent requests:
 * no other render can start before this one returns.
 */

/** An island instance met while rendering a page. */
export interface RenderedIsland {
  readonly name: string;
  readonly props: Record<string, unknown>;
}

/** The side channel of one render. */
export class RenderScope {
  /** Islands in document order; the index is the marker's `data-id`. */
  readonly islands: RenderedIsland[] = [];
  /** Rendered `<Head>` children, as HTML. */
  readonly head: string[] = [];
  /** >0 while rendering inside an island: nested islands hydrate with it. */
  islandDepth = 0;
}

let current: RenderScope | undefined;

/** The scope of the render in progress, if any. */
export function currentScope(): RenderScope | undefined {
  return current;
}

/** Runs the synchronous `render` with `scope` as the current scope. */
export function withScope<T>(scope: RenderScope, render: () => T): T {
  const previous = current;
  current = scope;
  try {
    return render();
  } finally {
    current = previous;
  }
}
