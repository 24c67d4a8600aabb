import type { RouteContext } from "../../../types.ts";
import type { FixtureState } from "../state.ts";

/** Records its turn and turns thrown errors marked `handled` into 418s. */
export async function handler(
  _req: Request,
  ctx: RouteContext<FixtureState>,
): Promise<Response> {
  ctx.state.trail.push("root");
  try {
    const response = await ctx.next();
    if (response.status !== 101) {
      response.headers.set("x-trail", ctx.state.trail.join(","));
    }
    return response;
  } catch (error) {
    if (error instanceof Error && error.message === "handled") {
      return new Response("handled", { status: 418 });
    }
    throw error;
  }
}
