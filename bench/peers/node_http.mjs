/**
 * What both Node peers share: the JSON reply of their health and stats
 * routes, and listening + ticking until a stop signal.
 */
import { listeningLine } from "./tick_source.mjs";
/**
 * Ends `res` with a JSON `body` and `status`.
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {string} body
 */
export function reply(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
}

/**
 * Listens on `args.hostname:args.port`, prints the listening line, starts
 * `source`, and stops it and exits on SIGTERM/SIGINT.
 * @param {import("node:http").Server} server
 * @param {{ hostname: string, port: number }} args
 * @param {string} name
 * @param {{ start(): void, stop(): void }} source
 */
export function serve(server, args, name, source) {
  server.listen(args.port, args.hostname, () => {
    const address = server.address();
    console.log(
      listeningLine(name, typeof address === "object" ? address?.port ?? 0 : 0),
    );
    source.start();
  });
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      source.stop();
      process.exit(0);
    });
  }
}
