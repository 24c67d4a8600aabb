import { signal } from "@preact/signals";
import { Head } from "../../../head.tsx";
import type { Handlers, PageProps } from "../../../types.ts";
import Counter from "../islands/counter.tsx";
import type { FixtureState } from "../state.ts";

export const handler: Handlers<FixtureState, { greeting: string }> = {
  GET: (_req, ctx) =>
    ctx.render({ greeting: "hello </script><script>alert(1)</script>" }),
};

export default function Home({ data }: PageProps<{ greeting: string }>) {
  const shared = signal(3);
  return (
    <main>
      <Head>
        <title>Fixture home</title>
      </Head>
      <p class="greeting">{data.greeting}</p>
      <Counter count={shared} label={data.greeting} since={new Date(0)} />
      <Counter count={shared} label="second" since={new Date(1000)} />
    </main>
  );
}
