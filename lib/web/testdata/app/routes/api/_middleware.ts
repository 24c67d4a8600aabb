import type { Handler } from "../../../../types.ts";
import type { FixtureState } from "../../state.ts";

export const handler: Handler<FixtureState>[] = [
  (_req, ctx) => {
    ctx.state.trail.push("api1");
    return ctx.next();
  },
  (_req, ctx) => {
    ctx.state.trail.push("api2");
    return ctx.next();
  },
];
