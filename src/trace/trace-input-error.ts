/**
 * Bad trace input. The message is shown to the user as it is, always
 * "FILE:LINE:COLUMN: what is wrong, what was expected", so an editor can jump to it;
 * a problem with the file as a whole (missing, empty, gzip) points at 1:1.
 */
export class TraceInputError extends Error {
  override readonly name = "TraceInputError";

  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}`);
  }
}
