/**
 * Fresh's `<Head>`: a page adds elements (title, meta, links) to the
 * document head from anywhere in its tree. Rendered out of place into the
 * current render's scope and spliced in before `</head>`.
 */
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { currentScope } from "./render_scope.ts";

/** Puts `children` into the document's `<head>` (server rendering only). */
export function Head({ children }: { children?: ComponentChildren }): null {
  const scope = currentScope();
  if (scope) scope.head.push(renderToString(<>{children}</>));
  return null;
}
