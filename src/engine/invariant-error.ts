/** A broken promise of the engine or the model: a bug, reported with exit code 70. */
export class InvariantError extends Error {
  override name = "InvariantError";
}
