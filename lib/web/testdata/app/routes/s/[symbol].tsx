import type { Handlers, PageProps } from "../../../../types.ts";

export const handler: Handlers<unknown, string> = {
  GET: (_req, ctx) =>
    ctx.params.symbol === "BTC-USDT"
      ? ctx.render(ctx.params.symbol)
      : ctx.renderNotFound(),
};

export default function Symbol({ data }: PageProps<string>) {
  return <h1>{data}</h1>;
}
