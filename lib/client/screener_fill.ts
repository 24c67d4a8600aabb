/**
 * Paces the screener's figures over animation frames. A wheel step shows
 * about twenty new markets at once; writing all their figures in the frame
 * of the scroll cost one task of 35 ms of CPU (style, layout and paint of
 * every row), which a shared core stretches past 100 ms; writing their
 * names alone still cost about 22 ms. Instead a row scrolled in shows a
 * neutral placeholder ({@linkcode PENDING}) in that frame, and each frame
 * fills a few rows (name, link, star and figures), those in view first. A market frame's new figures reach the rows
 * the same way, a few rows a frame. A new query (sort, filter) shows every
 * row's figures at once: the user waits for exactly that.
 */
import {
  batch,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import { browserSchedule, type Schedule } from "./frame_batcher.ts";
import type { RowWindow, ScreenerRow } from "./screener.ts";

/** A row's figures are not shown yet: it shows a placeholder. */
export const PENDING: unique symbol = Symbol("pending");

/**
 * What a row shows: its market's figures, {@linkcode PENDING}, or
 * `undefined` for a market no longer tracked.
 */
export type RowView = ScreenerRow | undefined | typeof PENDING;

/**
 * Why the window's markets changed, which decides how they are filled:
 * - `scroll`: rows new to the window are {@linkcode PENDING}, filled over
 *   the next frames;
 * - `reorder` (a market frame moved rows): rows new to the window show their
 *   figures at once (a placeholder flashing each second would read as a
 *   fault), the others catch up over the next frames;
 * - `query` (a sort or filter the user chose): every row at once.
 */
export type FillReason = "scroll" | "reorder" | "query";

/** Options of {@linkcode ScreenerFill}. */
export interface ScreenerFillOptions {
  /**
   * Rows brought up to date per frame (a row costs about 1.5 ms of CPU to
   * render, lay out and paint with a new market). Default 4: a frame stays
   * near 6 ms, so a renderer given a third of a core still draws it in
   * well under 50 ms.
   */
  readonly rowsPerFrame?: number;
  /** How the next frame is awaited. Default {@linkcode browserSchedule}. */
  readonly schedule?: Schedule;
}

/**
 * The order in which a window's rows are filled: the rows in view top to
 * bottom, then the overscan below, then the overscan above (nearest first).
 * Indices into the table's order; `firstVisible` is the first row in view.
 */
export function fillOrder(
  window: Pick<RowWindow, "start" | "end">,
  firstVisible: number,
): number[] {
  const first = Math.min(Math.max(firstVisible, window.start), window.end);
  const order: number[] = [];
  // In view, then the overscan below: one run down from the first in view.
  for (let i = first; i < window.end; i++) order.push(i);
  for (let i = first - 1; i >= window.start; i--) order.push(i);
  return order;
}

/** A row of the window: its slot (its DOM, `RowWindow.slots`) and market. */
export type FillEntry = readonly [slot: number, symbol: string];

interface Slot {
  symbol: string;
  readonly view: Signal<RowView>;
}

/**
 * What the screener's row slots show, brought up to date with the live rows
 * under a per-frame budget. One signal per slot, not per market: a slot that
 * shows another market keeps its signal (and its row its bindings), so a
 * scroll creates nothing, and a slot waiting for its figures keeps the text
 * it had, hidden under the placeholder, instead of rewriting it twice.
 */
export class ScreenerFill {
  readonly #live: (symbol: string) => ReadonlySignal<ScreenerRow | undefined>;
  readonly #rowsPerFrame: number;
  readonly #schedule: Schedule;
  /** The window's slots, most urgent first. */
  #slots = new Map<number, Slot>();
  #cancel: (() => void) | undefined;

  /** Fills rows from `live` (a market's live row signal). */
  constructor(
    live: (symbol: string) => ReadonlySignal<ScreenerRow | undefined>,
    options: ScreenerFillOptions = {},
  ) {
    const rowsPerFrame = options.rowsPerFrame ?? 4;
    if (!Number.isInteger(rowsPerFrame) || rowsPerFrame < 1) {
      throw new RangeError(
        `rowsPerFrame must be a positive integer, got ${rowsPerFrame}`,
      );
    }
    this.#live = live;
    this.#rowsPerFrame = rowsPerFrame;
    this.#schedule = options.schedule ?? browserSchedule;
  }

  /** What the row in `slot` shows (a placeholder until the slot is used). */
  view(slot: number): ReadonlySignal<RowView> {
    return this.#slots.get(slot)?.view ?? signal<RowView>(PENDING);
  }

  /** Rows that do not show their market's latest figures yet. */
  get behind(): number {
    let count = 0;
    for (const slot of this.#slots.values()) if (this.#isBehind(slot)) count++;
    return count;
  }

  /**
   * The window's rows, most urgent first (see {@linkcode fillOrder}). Slots
   * that left it are dropped, with any fill still planned for them; a slot
   * that shows another market is filled as `reason` says.
   */
  setWindow(entries: readonly FillEntry[], reason: FillReason): void {
    const next = new Map<number, Slot>();
    batch(() => {
      for (const [index, symbol] of entries) {
        const slot = this.#slots.get(index);
        const view = reason === "scroll" ? PENDING : this.#live(symbol).peek();
        if (!slot) next.set(index, { symbol, view: signal<RowView>(view) });
        else {
          if (slot.symbol !== symbol) {
            slot.symbol = symbol;
            slot.view.value = view;
          }
          next.set(index, slot);
        }
      }
    });
    this.#slots = next;
    if (reason === "query") this.#fill(Infinity);
    this.changed();
  }

  /**
   * The live rows changed: plans frames until every row has caught up (and
   * drops the planned one if none is behind any more).
   */
  changed(): void {
    if (this.behind === 0) return this.dispose();
    if (this.#cancel) return;
    this.#cancel = this.#schedule(() => {
      this.#cancel = undefined;
      this.step();
    });
  }

  /**
   * One frame's work: brings up to `rowsPerFrame` rows up to date, most
   * urgent first, and plans the next frame if any is left behind. Returns
   * how many rows it filled.
   */
  step(): number {
    const filled = this.#fill(this.#rowsPerFrame);
    this.changed();
    return filled;
  }

  /** Cancels the planned frame (as when the table is gone). */
  dispose(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #fill(budget: number): number {
    let filled = 0;
    batch(() => {
      for (const slot of this.#slots.values()) {
        if (filled >= budget) break;
        if (!this.#isBehind(slot)) continue;
        slot.view.value = this.#live(slot.symbol).peek();
        filled++;
      }
    });
    return filled;
  }

  #isBehind(slot: Slot): boolean {
    return slot.view.peek() !== this.#live(slot.symbol).peek();
  }
}
