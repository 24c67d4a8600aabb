/**
 * Server side of islands: pages import island components like any other
 * component; while a page renders, a Preact `options.vnode` hook swaps each
 * island element for a marker that renders the island inside
 * `<sats-island data-island=… data-id=…>` and records its props for the
 * browser. An island rendered inside another island is left alone: the outer
 * island hydrates it as an ordinary component.
 *
 * The marker is a custom element rather than Fresh's comment pair because
 * Preact hydrates into an element; give it `display: contents` in CSS so it
 * does not affect layout.
 */
import { type ComponentType, h, options, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { ISLAND_TAG } from "./island_protocol.ts";
import { currentScope } from "./render_scope.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

const islandNames = new Map<AnyComponent, string>();

/** Declares `component` (an island module's default export) as island `name`. */
export function registerIsland(name: string, component: AnyComponent): void {
  islandNames.set(component, name);
}

interface MarkerProps {
  readonly name: string;
  readonly component: AnyComponent;
  readonly props: Record<string, unknown>;
}

function IslandMarker({ name, component, props }: MarkerProps) {
  const scope = currentScope()!;
  const id = scope.islands.length;
  scope.islands.push({ name, props });
  scope.islandDepth++;
  let html: string;
  try {
    html = renderToString(h(component, props));
  } finally {
    scope.islandDepth--;
  }
  return h(ISLAND_TAG, {
    "data-island": name,
    "data-id": String(id),
    dangerouslySetInnerHTML: { __html: html },
  });
}

const previousHook = options.vnode;
// deno-lint-ignore no-explicit-any
options.vnode = (vnode: VNode<any>) => {
  const scope = currentScope();
  if (scope && scope.islandDepth === 0 && typeof vnode.type === "function") {
    const name = islandNames.get(vnode.type);
    if (name !== undefined) {
      const props = vnode.props as Record<string, unknown>;
      if ("children" in props && props.children !== undefined) {
        throw new TypeError(
          `Island ${name} was given children; islands take serialisable props only`,
        );
      }
      const marker: MarkerProps = { name, component: vnode.type, props };
      vnode.props = marker;
      vnode.type = IslandMarker as AnyComponent;
    }
  }
  previousHook?.(vnode);
};
