/**
 * Pointer gestures on the chart, reduced to what the view needs: a drag is a
 * pan by the distance moved since it began, two pointers are a pinch (the
 * ratio of their distance then and now, around their midpoint), and a press
 * that did not move is a tap. Mouse, pen and touch alike; positions are
 * pixels from the chart's left edge.
 */

/** What the pointers did since the gesture began. */
export type Gesture =
  | { readonly kind: "pan"; readonly dx: number }
  | {
    readonly kind: "pinch";
    /** Span factor: above 1 when the fingers close (zoom out). */
    readonly factor: number;
    /** Midpoint at the start, px. */
    readonly anchorX: number;
  };

/** Movement under which a press counts as a tap, px. */
export const TAP_SLOP_PX = 4;

/** Tracks the pointers pressed on the chart. */
export class ChartGestures {
  #pointers = new Map<number, number>();
  #startX = 0;
  #startDistance = 0;
  #anchorX = 0;
  #moved = false;

  /** Whether a gesture is in progress. */
  get active(): boolean {
    return this.#pointers.size > 0;
  }

  /** A pointer went down at `x`; returns true when a new gesture begins. */
  down(id: number, x: number): boolean {
    this.#pointers.set(id, x);
    const xs = [...this.#pointers.values()];
    if (xs.length === 1) {
      this.#startX = x;
      this.#moved = false;
    } else if (xs.length === 2) {
      this.#startDistance = Math.max(1, Math.abs(xs[0] - xs[1]));
      this.#anchorX = (xs[0] + xs[1]) / 2;
      this.#moved = true;
    }
    return true;
  }

  /** A pressed pointer moved to `x`: the gesture so far, if any. */
  move(id: number, x: number): Gesture | undefined {
    if (!this.#pointers.has(id)) return undefined;
    this.#pointers.set(id, x);
    const xs = [...this.#pointers.values()];
    if (xs.length >= 2) {
      const distance = Math.max(1, Math.abs(xs[0] - xs[1]));
      return {
        kind: "pinch",
        factor: this.#startDistance / distance,
        anchorX: this.#anchorX,
      };
    }
    const dx = x - this.#startX;
    if (!this.#moved && Math.abs(dx) < TAP_SLOP_PX) return undefined;
    this.#moved = true;
    return { kind: "pan", dx };
  }

  /** A pointer went up; returns true if the gesture was a tap. */
  up(id: number): boolean {
    if (!this.#pointers.delete(id)) return false;
    return this.#pointers.size === 0 && !this.#moved;
  }

  /** Forgets every pointer (cancel, blur). */
  reset(): void {
    this.#pointers.clear();
  }
}
