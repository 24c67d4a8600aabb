/**
 * Turns zod issues about environment variables into the one-line problems
 * printed at start-up: `NAME: what is wrong (got "value")`. Secret variables
 * are named but their values never echoed, and every other value (and
 * message) is shown without URL credentials, queries or opaque tokens.
 */
import type { z } from "zod";
import { redactSecrets } from "./redact_secrets.ts";

/** One line per issue, naming the variable it concerns. */
export function describeEnvIssues(
  issues: readonly z.core.$ZodIssue[],
  env: Readonly<Record<string, string | undefined>>,
  secrets: ReadonlySet<string> = new Set(),
): string[] {
  return issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    const raw = env[name];
    const shown = raw === undefined || secrets.has(name)
      ? ""
      : ` (got ${JSON.stringify(redactSecrets(raw))})`;
    return `${name}: ${redactSecrets(issue.message)}${shown}`;
  });
}
