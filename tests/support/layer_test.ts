/**
 * Runs a test once per socket layer (`SOCKET_LAYER=ws|deno`), so the stream
 * tests hold for whichever layer sends: the test gets the layer to start its
 * stack with, and its name says which one ran.
 */
import {
  SOCKET_LAYERS,
  type SocketLayerKind,
} from "../../lib/config/config_schema.ts";

/**
 * Registers `fn` as "Subject (layer) - behaviour" for every layer; `name`
 * is "Subject - behaviour".
 */
export function layerTest(
  name: string,
  fn: (layer: SocketLayerKind) => Promise<void>,
): void {
  const split = name.indexOf(" - ");
  for (const layer of SOCKET_LAYERS) {
    Deno.test(
      split < 0
        ? `${name} (${layer})`
        : `${name.slice(0, split)} (${layer})${name.slice(split)}`,
      () => fn(layer),
    );
  }
}
