/**
 * The layout's import rules, checked on the static imports of every module
 * under `islands/`, `lib/` and `routes/` (`tests/support/import_specifiers.ts`
 * reads them). Data flows one way and nothing imports back up the flow:
 *
 * | folder (lib/…)   | may import, besides itself                               |
 * | ---------------- | -------------------------------------------------------- |
 * | `market`,`clock` | nothing                                                  |
 * | `protocol`       | market                                                   |
 * | `config`         | market, protocol, clock                                  |
 * | `observability`  | market, protocol, clock, config                          |
 * | `analytics`      | market, protocol, clock                                  |
 * | `ingestion`      | market, protocol, clock, config, analytics               |
 * | `alerts`         | market, protocol, clock                                  |
 * | `hub`            | market, protocol, clock                                  |
 * | `candles`        | market, protocol, clock                                  |
 * | `tape`           | market, protocol, clock, `hub/ring_buffer.ts`            |
 * | `engine`         | market, protocol, clock, alerts (the handover it keeps), |
 * |                  | `hub/text_ring.ts` (the memory engine's history)         |
 * | `ledger`         | market, protocol, clock, alerts, hub, candles (what it   |
 * |                  | stores), engine (the Redis ledger shares its store and   |
 * |                  | fence)                                                   |
 * | `web`            | nothing outside `lib/web` (a self-contained framework)   |
 * | `http`           | market, protocol, clock, the web runtime's server entry  |
 * | `socket`         | market, protocol, clock, config (the layer names)        |
 * | `client`         | market, protocol, clock, the web runtime's browser entry |
 * | `service`        | everything above (it composes the parts)                 |
 * | `simulator`      | market, protocol, clock, config, observability, http,    |
 * |                  | the web server entry, and two shared pieces: the Bybit   |
 * |                  | protocol (`ingestion/bybit/`), `hub/ring_buffer.ts`      |
 *
 * Nothing in the product imports `lib/simulator`: it stands in for the
 * exchange. `routes/` may import any of `lib/` but the simulator. The table
 * binds product modules; test modules beside the code (`*_test.ts`,
 * `test_utils.ts`, `testdata/`, and test support only those import, such as
 * a shared behaviour suite) may wire a part to a real neighbour from another
 * folder (an ingestion test against the simulator), since nothing ships them.
 *
 * Besides the table:
 * - Browser code — `islands/` and `lib/client/` — imports only `lib/client/`,
 *   `lib/protocol/`, `lib/market/`, `lib/clock/`, the web runtime's browser
 *   entry and the npm packages `preact`, `preact/hooks` and
 *   `@preact/signals`, so server code can never reach a bundle. Their tests
 *   run on the server and are exempt.
 * - Outside `lib/web/`, the web runtime is imported only through its two
 *   entries: `lib/web/mod.ts` (server) and `lib/web/browser.ts` (browser).
 * - Product code never imports a test module (`*_test.ts`, `test_utils.ts`,
 *   anything under `testdata/`, or test support that only those import).
 */
import assert from "node:assert/strict";
import { importSpecifiers } from "./support/import_specifiers.ts";

const ROOT = new URL("../", import.meta.url);

/** The bottom of the flow: every server folder may use these. */
const BOTTOM = ["lib/market/", "lib/protocol/", "lib/clock/"];
const WEB_SERVER = "lib/web/mod.ts";
const WEB_BROWSER = "lib/web/browser.ts";

/** What each lib folder may import besides itself: path prefixes. */
const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  market: [],
  clock: [],
  protocol: ["lib/market/"],
  config: [...BOTTOM],
  observability: [...BOTTOM, "lib/config/"],
  analytics: [...BOTTOM],
  ingestion: [...BOTTOM, "lib/config/", "lib/analytics/"],
  alerts: [...BOTTOM],
  hub: [...BOTTOM],
  candles: [...BOTTOM],
  tape: [...BOTTOM, "lib/hub/ring_buffer.ts"],
  engine: [...BOTTOM, "lib/alerts/", "lib/hub/text_ring.ts"],
  ledger: [...BOTTOM, "lib/alerts/", "lib/hub/", "lib/candles/", "lib/engine/"],
  web: [],
  http: [...BOTTOM, WEB_SERVER],
  socket: [...BOTTOM, "lib/config/"],
  client: [...BOTTOM, WEB_BROWSER],
  service: [
    ...BOTTOM,
    "lib/config/",
    "lib/observability/",
    "lib/analytics/",
    "lib/ingestion/",
    "lib/alerts/",
    "lib/hub/",
    "lib/candles/",
    "lib/tape/",
    "lib/engine/",
    "lib/ledger/",
    "lib/http/",
    "lib/socket/",
    "lib/client/",
    WEB_SERVER,
  ],
  simulator: [
    ...BOTTOM,
    "lib/config/",
    "lib/observability/",
    "lib/http/",
    "lib/ingestion/bybit/",
    "lib/hub/ring_buffer.ts",
    WEB_SERVER,
  ],
};

/** What browser code may import: repository paths and npm packages. */
const BROWSER_PATHS = [
  "lib/client/",
  "lib/protocol/",
  "lib/market/",
  "lib/clock/",
  WEB_BROWSER,
];
const BROWSER_PACKAGES = new Set(["preact", "preact/hooks", "@preact/signals"]);

/** One import of one module. */
interface Edge {
  /** The importing module, relative to the repository root. */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** The imported module relative to the root; undefined for packages. */
  readonly to?: string;
}

async function* modules(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) yield* modules(`${path}/`);
    else if (/\.tsx?$/.test(entry.name)) yield path;
  }
}

/** Every static import of every module under `islands/`, `lib/`, `routes/`. */
async function importGraph(): Promise<Edge[]> {
  const edges: Edge[] = [];
  for (const dir of ["islands/", "lib/", "routes/"]) {
    for await (const from of modules(dir)) {
      const source = await Deno.readTextFile(new URL(from, ROOT));
      for (const specifier of importSpecifiers(source)) {
        const relative = specifier.startsWith("./") ||
          specifier.startsWith("../");
        const to = relative
          ? new URL(specifier, new URL(from, ROOT)).href.slice(ROOT.href.length)
          : undefined;
        edges.push({ from, specifier, to });
      }
    }
  }
  return edges;
}

const isNamedTest = (path: string) =>
  /(_test\.tsx?|\/test_utils\.ts)$/.test(path) || path.includes("/testdata/");

/**
 * The test modules of the graph: tests and helpers named as such, and test
 * support (a shared behaviour suite, its harnesses) — a module that only
 * test modules import.
 */
function testModules(edges: readonly Edge[]): ReadonlySet<string> {
  const importers = new Map<string, Set<string>>();
  const tests = new Set<string>();
  for (const { from, to } of edges) {
    if (isNamedTest(from)) tests.add(from);
    if (to === undefined) continue;
    if (isNamedTest(to)) tests.add(to);
    const by = importers.get(to) ?? new Set<string>();
    importers.set(to, by.add(from));
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const [module, by] of importers) {
      if (!tests.has(module) && [...by].every((m) => tests.has(m))) {
        tests.add(module);
        grew = true;
      }
    }
  }
  return tests;
}

const libFolder = (path: string) =>
  path.startsWith("lib/") ? path.split("/")[1] : undefined;
const under = (path: string, prefixes: readonly string[]) =>
  prefixes.some((prefix) => path === prefix || path.startsWith(prefix));
const isBrowserCode = (path: string) =>
  path.startsWith("islands/") || path.startsWith("lib/client/");

/**
 * The broken rule, or undefined when `edge` is allowed; `isTest` says which
 * modules are tests or test support.
 */
function violation(
  edge: Edge,
  isTest: (path: string) => boolean = isNamedTest,
): string | undefined {
  const { from, to, specifier } = edge;
  if (isBrowserCode(from) && !isTest(from)) {
    const allowed = to === undefined
      ? BROWSER_PACKAGES.has(specifier)
      : under(to, BROWSER_PATHS);
    if (!allowed) {
      return "browser code may import only lib/client, lib/protocol, lib/market, lib/clock, lib/web/browser.ts, preact, preact/hooks and @preact/signals";
    }
  }
  if (to === undefined) return undefined;
  if (!isTest(from) && isTest(to)) {
    return "product code must not import test modules";
  }
  const fromLib = libFolder(from);
  const toLib = libFolder(to);
  if (
    fromLib !== "web" && toLib === "web" && to !== WEB_SERVER &&
    to !== WEB_BROWSER
  ) {
    return "import the web runtime through lib/web/mod.ts (server) or lib/web/browser.ts (browser)";
  }
  if (fromLib === undefined) {
    if (from.startsWith("routes/") && toLib === "simulator") {
      return "routes must not import the simulator";
    }
    return undefined;
  }
  if (!to.startsWith("lib/")) {
    return `lib/${fromLib} must not import outside lib/`;
  }
  if (toLib === fromLib || isTest(from)) return undefined;
  const allowed = ALLOWED_IMPORTS[fromLib];
  if (allowed === undefined) {
    return `lib/${fromLib} has no row in the dependency table`;
  }
  if (!under(to, allowed)) {
    const list = allowed.length === 0
      ? "nothing outside itself"
      : allowed.map((p) => p.replace(/^lib\//, "").replace(/\/$/, ""))
        .join(", ");
    return `lib/${fromLib} may import only ${list}`;
  }
  return undefined;
}

Deno.test("import boundaries - every lib folder has a row in the dependency table", async () => {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(new URL("lib/", ROOT))) {
    if (entry.isDirectory) folders.push(entry.name);
  }
  assert.deepEqual(
    folders.sort(),
    Object.keys(ALLOWED_IMPORTS).sort(),
    "add the new folder to ALLOWED_IMPORTS and the table above",
  );
});

Deno.test("import boundaries - no module imports up the flow or past a boundary", async () => {
  const edges = await importGraph();
  assert.ok(edges.length > 500, `only ${edges.length} imports found`);
  const tests = testModules(edges);
  const broken = edges.flatMap((edge) => {
    const rule = violation(edge, (path) => tests.has(path));
    return rule === undefined
      ? []
      : [`${edge.from} imports ${edge.to ?? edge.specifier}: ${rule}`];
  });
  assert.deepEqual(broken, [], `\n${broken.join("\n")}\n`);
});

Deno.test("import boundaries - the rules catch what they are for", () => {
  const cases: [Edge, RegExp | undefined][] = [
    [{
      from: "islands/price_card.tsx",
      specifier: "../lib/service/app_state.ts",
      to: "lib/service/app_state.ts",
    }, /^browser code may import only/],
    [{
      from: "lib/client/dashboard.ts",
      specifier: "zod",
    }, /^browser code may import only/],
    [{
      from: "lib/client/dashboard.ts",
      specifier: "../web/island_protocol.ts",
      to: "lib/web/island_protocol.ts",
    }, /^browser code may import only/],
    [{
      from: "lib/alerts/alert_query.ts",
      specifier: "../ledger/threshold_store.ts",
      to: "lib/ledger/threshold_store.ts",
    }, /^lib\/alerts may import only market, protocol, clock$/],
    [{
      from: "lib/hub/stream_hub.ts",
      specifier: "../http/http_error.ts",
      to: "lib/http/http_error.ts",
    }, /^lib\/hub may import only/],
    [{
      from: "lib/web/app.ts",
      specifier: "../http/client_ip.ts",
      to: "lib/http/client_ip.ts",
    }, /^lib\/web may import only nothing outside itself$/],
    [{
      from: "routes/index.tsx",
      specifier: "../lib/web/head.tsx",
      to: "lib/web/head.tsx",
    }, /^import the web runtime through/],
    [{
      from: "lib/service/stream_gate.ts",
      specifier: "../hub/test_utils.ts",
      to: "lib/hub/test_utils.ts",
    }, /^product code must not import test modules$/],
    [{
      from: "lib/ingestion/hosting/worker_supervisor_test.ts",
      specifier: "../../simulator/start_exchange.ts",
      to: "lib/simulator/start_exchange.ts",
    }, undefined],
    [{
      from: "lib/ledger/alert_store.ts",
      specifier: "../alerts/alert_id.ts",
      to: "lib/alerts/alert_id.ts",
    }, undefined],
    [{
      from: "islands/price_card.tsx",
      specifier: "@preact/signals",
    }, undefined],
    [{
      from: "lib/client/use_dashboard.ts",
      specifier: "../web/browser.ts",
      to: "lib/web/browser.ts",
    }, undefined],
  ];
  for (const [edge, expected] of cases) {
    const rule = violation(edge);
    if (expected === undefined) assert.equal(rule, undefined, edge.from);
    else assert.match(rule ?? "(allowed)", expected, edge.from);
  }
});
