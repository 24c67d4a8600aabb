import type { Handlers } from "../../../../types.ts";

export const handler: Handlers = {
  GET: () => {
    throw new Error("secret internal detail");
  },
  POST: () => {
    throw new Error("handled");
  },
};
