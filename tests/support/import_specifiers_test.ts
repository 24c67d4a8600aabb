import assert from "node:assert/strict";
import { importSpecifiers } from "./import_specifiers.ts";

Deno.test("importSpecifiers - every static form, in source order", () => {
  const source = `
import "./side_effect.ts";
import x from "./default.ts";
import * as ns from "./namespace.ts";
import type { A } from "./type_only.ts";
import {
  b,
  type C,
  d as e,
} from './multi_line.ts';
export { f } from "./re_export.ts";
export type { G } from "./type_re_export.ts";
export * from "./star.ts";
export * as star from "./star_as.ts";
`;
  assert.deepEqual(importSpecifiers(source), [
    "./side_effect.ts",
    "./default.ts",
    "./namespace.ts",
    "./type_only.ts",
    "./multi_line.ts",
    "./re_export.ts",
    "./type_re_export.ts",
    "./star.ts",
    "./star_as.ts",
  ]);
});

Deno.test("importSpecifiers - ignores dynamic imports, import.meta and plain exports", () => {
  const source = `
const lazy = await import("./dynamic.ts");
const here = import.meta.url;
export const from = "./not_an_import.ts";
export function f() { return "./nor_this.ts"; }
export { lazy, here };
export default "./default_string.ts";
`;
  assert.deepEqual(importSpecifiers(source), []);
});

Deno.test("importSpecifiers - nothing in comments, strings, templates or regexes counts", () => {
  const source = `
// import "./line_comment.ts";
/* import "./block_comment.ts"; */
const text = "import './in_string.ts'";
const other = 'export * from "./in_single.ts"';
const tpl = \`import "\${"./in_template.ts"}" \${ { a: 1 }.a } \`;
const quote = /["'\`]/g;
const path = /\\/import "x"/;
const ratio = 4 / 2 / 1;
import { real } from "./real.ts";
`;
  assert.deepEqual(importSpecifiers(source), ["./real.ts"]);
});

Deno.test("importSpecifiers - JSX files and npm specifiers", () => {
  const source = `
import { useSignal } from "@preact/signals";
import { h } from "preact";
export default function Island() {
  return <div class="x">{"import 'no'"}</div>;
}
`;
  assert.deepEqual(importSpecifiers(source), ["@preact/signals", "preact"]);
});
