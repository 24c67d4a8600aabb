/**
 * The JSON reply both Node peers use for their health and stats routes.
 */
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
