/**
 * The frame of every shared behaviour suite — the engines' conformance, the
 * alert trails', the price-alert stores' — as Centrifuge runs one suite over
 * each implementation: each case opens a fresh fixture and closes it
 * whatever happens.
 */

/** Something a shared suite's case opens fresh and always closes. */
export interface SuiteFixture {
  close(): void | Promise<void>;
}

/**
 * Registers `Deno.test("<suite> - <title>")` running `body` on a fresh
 * fixture from `open`, closed whatever happens: the frame of every shared
 * behaviour suite (engines, alert trails, price-alert stores).
 */
export function suiteTest<F extends SuiteFixture>(
  suite: { readonly name: string; readonly ignore?: boolean },
  title: string,
  open: () => Promise<F>,
  body: (fixture: F) => Promise<void>,
): void {
  Deno.test({
    name: `${suite.name} - ${title}`,
    ignore: suite.ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const fixture = await open();
      try {
        await body(fixture);
      } finally {
        await fixture.close();
      }
    },
  });
}
