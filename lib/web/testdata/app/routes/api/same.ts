import type { Handler } from "../../../../types.ts";

/** Always the same object, so a test can prove the runtime does not copy it. */
export const response = new Response("kept", { status: 202 });

export const handler: Handler = () => response;
