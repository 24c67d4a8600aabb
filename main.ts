/**
 * Entry point of the service (`deno task start`): everything is configured by
 * environment variables; see README.md and `.env.example`.
 */
import { runFromEnvironment } from "./lib/service/run_from_environment.ts";

if (import.meta.main) {
  await runFromEnvironment(Deno.env.toObject());
}
