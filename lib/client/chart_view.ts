/**
 * Zoom and pan of the candle chart as pure functions over a small view state:
 * how much time is shown (`span`) and where it ends (`end`, or `null` to
 * follow the newest bar as it arrives). Wheel, pinch, drag and keys all come
 * down to {@linkcode zoomView} and {@linkcode panView}, so the rules live in
 * one tested place:
 *
 * - zoom keeps the time under the pointer (or the key's anchor) in place;
 * - the span stays between a dozen bars and what is loaded (or the window);
 * - panning stops before the data runs out on either side, and panning back
 *   to the newest bar resumes following it.
 */

/** What the chart shows. */
export interface ViewState {
  /** Time shown, ms. */
  readonly span: number;
  /** Right edge, epoch ms, or null to follow the newest bar. */
  readonly end: number | null;
}

/** The data the view may move over. */
export interface ViewBounds {
  /** Start of the oldest bar, epoch ms. */
  readonly first: number;
  /** End of the newest bar, epoch ms. */
  readonly last: number;
  readonly intervalMs: number;
  /** The window's own view span: zooming out may always reach it. */
  readonly windowMs: number;
}

/** The view resolved to times. */
export interface ViewRange {
  readonly start: number;
  readonly end: number;
}

/** Fewest bars a zoom may show. */
export const MIN_VIEW_BARS = 12;
/** Empty space right of the newest bar while following, as a share of the span. */
export const FOLLOW_MARGIN = 0.04;

/**
 * The view a window opens with: following, wide enough that the window's
 * whole span of bars fits left of the follow margin.
 */
export function windowView(windowMs: number): ViewState {
  return { span: windowMs / (1 - FOLLOW_MARGIN), end: null };
}

/** The largest span: everything loaded, or the window if that is more. */
export function maxSpan(bounds: ViewBounds): number {
  return Math.max(bounds.windowMs, bounds.last - bounds.first);
}

/** The smallest span: {@linkcode MIN_VIEW_BARS} bars. */
export function minSpan(bounds: ViewBounds): number {
  return Math.min(maxSpan(bounds), bounds.intervalMs * MIN_VIEW_BARS);
}

/** Where the view ends while following: just right of the newest bar. */
export function followEnd(span: number, bounds: ViewBounds): number {
  return bounds.last + span * FOLLOW_MARGIN;
}

/** Resolves `view` to start and end times. */
export function resolveView(view: ViewState, bounds: ViewBounds): ViewRange {
  const end = view.end ?? followEnd(view.span, bounds);
  return { start: end - view.span, end };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Keeps the view over data; an end at or past the newest bar follows it. */
export function clampView(view: ViewState, bounds: ViewBounds): ViewState {
  const span = clamp(view.span, minSpan(bounds), maxSpan(bounds));
  if (view.end === null) return { span, end: null };
  const latest = followEnd(span, bounds);
  // At least a fifth of the view keeps showing data when panned far back.
  const earliest = bounds.first + span * 0.2;
  const end = clamp(view.end, Math.min(earliest, latest), latest);
  return { span, end: end >= latest - bounds.intervalMs / 2 ? null : end };
}

/**
 * Zooms by `factor` (below 1 zooms in) around `anchor`, the position 0–1
 * across the view that stays put. Zooming while following keeps following.
 */
export function zoomView(
  view: ViewState,
  bounds: ViewBounds,
  factor: number,
  anchor: number,
): ViewState {
  if (!(factor > 0) || !Number.isFinite(factor)) return view;
  const { start } = resolveView(view, bounds);
  const span = clamp(view.span * factor, minSpan(bounds), maxSpan(bounds));
  if (view.end === null) return { span, end: null };
  const at = start + clamp(anchor, 0, 1) * view.span;
  const end = at + (1 - clamp(anchor, 0, 1)) * span;
  return clampView({ span, end }, bounds);
}

/** Pans by `fraction` of the span (negative: back in time). */
export function panView(
  view: ViewState,
  bounds: ViewBounds,
  fraction: number,
): ViewState {
  if (!Number.isFinite(fraction) || fraction === 0) return view;
  const { end } = resolveView(view, bounds);
  return clampView(
    { span: view.span, end: end + fraction * view.span },
    bounds,
  );
}

/** Jumps to the oldest data, keeping the span. */
export function viewOldest(view: ViewState, bounds: ViewBounds): ViewState {
  return clampView({ span: view.span, end: bounds.first + view.span }, bounds);
}

/** The zoom factor of a wheel event's `deltaY` (pixels): about 10 % a notch. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1
    ? deltaY * 16
    : deltaMode === 2
    ? deltaY * 400
    : deltaY;
  return Math.exp(clamp(pixels, -400, 400) * 0.001);
}
