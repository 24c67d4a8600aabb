import assert from "node:assert/strict";
import {
  AA_TEXT,
  composite,
  contrastRatio,
  parseColor,
} from "./color_contrast.ts";

const color = (text: string) => parseColor(text)!;

Deno.test("contrastRatio - matches WCAG's reference values", () => {
  assert.equal(contrastRatio(color("#000"), color("#fff")), 21);
  assert.equal(contrastRatio(color("#777"), color("#777")), 1);
  // #767676 on white is the classic just-AA grey.
  assert.ok(
    Math.abs(contrastRatio(color("#767676"), color("#fff")) - 4.54) < 0.01,
  );
});

Deno.test("parseColor - hex and rgb(a) forms; junk is undefined", () => {
  assert.deepEqual(color("#0b0e11"), { r: 11, g: 14, b: 17, a: 1 });
  assert.deepEqual(color("rgba(22, 199, 132, 0.35)"), {
    r: 22,
    g: 199,
    b: 132,
    a: 0.35,
  });
  assert.deepEqual(color("rgb(1 2 3 / 0.5)"), { r: 1, g: 2, b: 3, a: 0.5 });
  assert.equal(parseColor("red"), undefined);
  assert.equal(parseColor("rgb(1, x, 3)"), undefined);
});

Deno.test("composite - a translucent layer over an opaque one", () => {
  assert.deepEqual(
    composite(color("rgba(255, 255, 255, 0.5)"), color("#000000")),
    { r: 127.5, g: 127.5, b: 127.5, a: 1 },
  );
});

/** The stylesheet's custom properties that hold plain colours. */
async function palette(): Promise<Map<string, string>> {
  const css = await Deno.readTextFile(
    new URL("../../static/styles.css", import.meta.url),
  );
  const root = /:root\s*{([^}]*)}/.exec(css)![1];
  return new Map(
    [...root.matchAll(/--([a-z0-9-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2]]),
  );
}

Deno.test("palette - every text colour keeps AA contrast on every panel, red and dim grey included", async () => {
  const vars = await palette();
  const backgrounds = ["bg", "bg-2", "panel", "panel-2"];
  const texts = ["text", "muted", "dim", "up", "down", "accent", "info"];
  for (const text of texts) {
    for (const background of backgrounds) {
      const ratio = contrastRatio(
        color(vars.get(text)!),
        color(vars.get(background)!),
      );
      assert.ok(
        ratio >= AA_TEXT,
        `--${text} on --${background}: ${ratio.toFixed(2)}:1`,
      );
    }
  }
});
