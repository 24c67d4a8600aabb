/**
 * Joins the truthy class names: `cx("ticker", active && "is-active")`.
 * Styling is by class only — the CSP forbids inline `style` attributes.
 */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}
