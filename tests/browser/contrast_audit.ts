/**
 * A text-contrast audit of a live page, run inside Chromium: every element
 * that shows text (HTML, and SVG text over its tag or the page) is checked
 * against the background actually painted under it — translucent layers
 * composited, opacity applied — and reported below 4.5:1. Disabled controls
 * are exempt (WCAG 1.4.3). The colour maths is the same as
 * `lib/client/color_contrast.ts`, inlined because it runs in the page.
 */
import type { Page } from "playwright-core";

/** One element whose text is below AA. */
export interface ContrastFailure {
  readonly text: string;
  readonly ratio: number;
  readonly color: string;
  readonly background: string;
  readonly path: string;
}

/** Text on `page` below 4.5:1, worst first. */
export function lowContrastText(page: Page): Promise<ContrastFailure[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (text: string): Rgba | undefined => {
      const m = /rgba?\(([^)]+)\)/.exec(text);
      if (!m) return undefined;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => [
      top[0] * top[3] + bottom[0] * (1 - top[3]),
      top[1] * top[3] + bottom[1] * (1 - top[3]),
      top[2] * top[3] + bottom[2] * (1 - top[3]),
      1,
    ];
    const lum = (c: Rgba) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const ratio = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const page =
      parse(getComputedStyle(document.documentElement).backgroundColor) ??
        [11, 14, 17, 1];
    /** The opaque colour painted under `element` (its own background included). */
    const backdrop = (element: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = element; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        const fill = e instanceof SVGElement
          ? undefined
          : parse(style.backgroundColor);
        if (fill && fill[3] > 0) {
          layers.push(fill);
          if (fill[3] >= 1) break;
        }
      }
      let color: Rgba = page[3] >= 1 ? page : [11, 14, 17, 1];
      for (const layer of layers.reverse()) color = over(layer, color);
      return color;
    };
    const opacity = (element: Element) => {
      let value = 1;
      for (let e: Element | null = element; e; e = e.parentElement) {
        value *= Number(getComputedStyle(e).opacity);
      }
      return value;
    };
    const describe = (element: Element) => {
      const parts: string[] = [];
      for (
        let e: Element | null = element;
        e && parts.length < 4;
        e = e.parentElement
      ) {
        parts.unshift(
          e.tagName.toLowerCase() +
            (e.classList.length ? `.${[...e.classList].join(".")}` : ""),
        );
      }
      return parts.join(" > ");
    };
    const failures: {
      text: string;
      ratio: number;
      color: string;
      background: string;
      path: string;
    }[] = [];
    for (const element of document.body.querySelectorAll("*")) {
      const own = [...element.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? "")
        .join("")
        .trim();
      if (
        own === "" ||
        element.closest(":disabled, [disabled], title, script, style")
      ) {
        continue;
      }
      const rects = element.getClientRects();
      if (rects.length === 0 || rects[0].width === 0) continue;
      const style = getComputedStyle(element);
      if (style.visibility === "hidden") continue;
      const isSvg = element instanceof SVGElement;
      const raw = parse(isSvg ? style.fill : style.color);
      if (!raw) continue;
      let background = backdrop(
        isSvg ? element.closest("svg.chart, svg")!.parentElement! : element,
      );
      if (isSvg) {
        // SVG text on a tag: the rect drawn just before it in its group.
        const tag = element.previousElementSibling;
        const tagFill = tag?.tagName === "rect"
          ? parse(getComputedStyle(tag).fill)
          : undefined;
        if (tagFill) background = over(tagFill, background);
      }
      const color: Rgba = [raw[0], raw[1], raw[2], raw[3] * opacity(element)];
      const value = ratio(over(color, background), background);
      if (value < 4.5) {
        failures.push({
          text: own.slice(0, 40),
          ratio: Math.round(value * 100) / 100,
          color: isSvg ? style.fill : style.color,
          background: `rgb(${
            background.slice(0, 3).map(Math.round).join(", ")
          })`,
          path: describe(element),
        });
      }
    }
    return failures.sort((a, b) => a.ratio - b.ratio);
  });
}
