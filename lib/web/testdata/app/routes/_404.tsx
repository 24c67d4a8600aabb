import type { UnknownPageProps } from "../../../types.ts";

export default function NotFound({ url }: UnknownPageProps) {
  return <h1 class="missing">Nothing at {url.pathname}</h1>;
}
