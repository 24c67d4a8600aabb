/**
 * The error a store beside a shared stream engine throws when a write is
 * refused because this instance no longer holds the leader lease (or never
 * did): another instance leads, and only the leader writes. The write
 * changed nothing; the caller stops writing rather than retrying.
 */
export class FencedWriteError extends Error {
  /** `what`: the write that was refused, e.g. "Bars". */
  constructor(what: string) {
    super(`${what} not written: this instance does not lead`);
    this.name = "FencedWriteError";
  }
}
