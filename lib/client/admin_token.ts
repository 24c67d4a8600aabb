/**
 * The admin token the operator types into the threshold form. It lives only
 * in sessionStorage (gone when the tab closes) and is never part of the page
 * or a bundle — the original shipped a default token to every browser.
 */

/** The sessionStorage key. */
export const ADMIN_TOKEN_KEY = "sats-sentinel:admin-token";

/** The saved token, or "" when none (or storage is unavailable). */
export function readAdminToken(
  storage: Pick<Storage, "getItem"> | undefined,
): string {
  try {
    return storage?.getItem(ADMIN_TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Saves the token for this tab; an empty token removes it. */
export function writeAdminToken(
  storage: Pick<Storage, "setItem" | "removeItem"> | undefined,
  token: string,
): void {
  try {
    if (token === "") storage?.removeItem(ADMIN_TOKEN_KEY);
    else storage?.setItem(ADMIN_TOKEN_KEY, token);
  } catch {
    // Without storage the operator re-enters the token; nothing else breaks.
  }
}
