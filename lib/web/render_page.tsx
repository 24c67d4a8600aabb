/**
 * Renders a page to a complete HTML document: the page inside `_app`, its
 * `<Head>` content, and — only when islands were rendered — the island props
 * (one JSON script) and the boot module with preload hints. A page without
 * islands ships no JavaScript at all. Nothing inline is executable, so the
 * document works under `script-src 'self'`.
 */
import type { ComponentType } from "preact";
import { renderToString } from "preact-render-to-string";
import type { BuildManifest } from "./build_manifest.ts";
import { serializeProps } from "./island_props.ts";
import { ISLAND_DATA_ID, type IslandPayload } from "./island_protocol.ts";
import { RenderScope, withScope } from "./render_scope.ts";
import type { AppProps } from "./types.ts";

/** Inputs of {@linkcode renderPage}. */
export interface RenderPageOptions<State> {
  /** The page, already bound to its props. */
  readonly page: ComponentType<Record<string, never>>;
  /** `routes/_app.tsx`'s component; a minimal shell when absent. */
  readonly app?: ComponentType<AppProps<State>>;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly state: State;
  /** Built client bundles; without them islands render but do not hydrate. */
  readonly bundles?: BuildManifest;
  /** URL prefix of the build files, e.g. `/_build`. */
  readonly buildPrefix: string;
}

function DefaultApp({ Component }: AppProps<unknown>) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}

/** Renders the document, starting with `<!DOCTYPE html>`. */
export function renderPage<State>(options: RenderPageOptions<State>): string {
  const scope = new RenderScope();
  const App = (options.app ?? DefaultApp) as ComponentType<AppProps<State>>;
  const body = withScope(scope, () =>
    renderToString(
      <App
        Component={options.page}
        url={options.url}
        params={options.params}
        state={options.state}
      />,
    ));
  let head = scope.head.join("");
  let tail = "";
  if (scope.islands.length > 0 && options.bundles) {
    const { bundles, buildPrefix } = options;
    const base = `${buildPrefix}/${bundles.buildId}/`;
    const used = [...new Set(scope.islands.map((island) => island.name))];
    const modules: Record<string, string> = {};
    const preload = new Set(bundles.boot.imports);
    for (const name of used) {
      const entry = bundles.islands[name];
      if (!entry) continue;
      modules[name] = base + entry.file;
      preload.add(entry.file);
      for (const file of entry.imports) preload.add(file);
    }
    for (const file of preload) {
      head += `<link rel="modulepreload" href="${base}${file}">`;
    }
    head += `<script type="module" src="${base}${bundles.boot.file}"></script>`;
    const payload: IslandPayload = {
      modules,
      islands: scope.islands.map((island) =>
        [island.name, island.props] as const
      ),
    };
    tail = `<script type="application/json" id="${ISLAND_DATA_ID}">${
      serializeProps(payload)
    }</script>`;
  }
  // The real </head> is the first one; the real </body> the last one (page
  // content may contain either only through dangerouslySetInnerHTML).
  const withHead = insertAt(body, body.indexOf("</head>"), head);
  return "<!DOCTYPE html>" +
    insertAt(withHead, withHead.lastIndexOf("</body>"), tail);
}

function insertAt(html: string, at: number, extra: string): string {
  if (extra === "") return html;
  return at === -1 ? html + extra : html.slice(0, at) + extra + html.slice(at);
}
