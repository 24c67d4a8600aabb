import type { Handlers } from "../../../../../types.ts";
import type { FixtureState } from "../../../state.ts";

export const handler: Handlers<FixtureState> = {
  GET: (_req, ctx) =>
    Response.json({ name: ctx.params.name, trail: ctx.state.trail }),
  PUT: async (req) => Response.json({ put: await req.json() }),
};
