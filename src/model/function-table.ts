/**
 * The per-function figures behind `--metrics-function-labels`: one row per
 * function, by global function index, holding its invocation outcomes and
 * its State. Each partition writes the rows of its own functions as events
 * happen (one more array increment per invocation outcome, one store per
 * State change); the table can live in shared memory, so with worker threads
 * the sampling thread reads it between windows without any copy. Only
 * allocated when function labels are asked for.
 */
import { ERROR_COUNT } from "./observations.js";

/** Columns per function: invocation outcomes by ApiError code, then the State. */
export const FUNCTION_COLUMNS = ERROR_COUNT + 1;
/** Column of the function's State index (STATE_NAMES), or -1 when the function does not exist. */
export const STATE_COLUMN = ERROR_COUNT;

/** A table for `functions` functions, none existing yet; in shared memory when `shared`. */
export function newFunctionTable(functions: number, shared: boolean): Float64Array {
  const length = functions * FUNCTION_COLUMNS;
  const table = shared ? new Float64Array(new SharedArrayBuffer(8 * length)) : new Float64Array(length);
  for (let g = 0; g < functions; g++) table[g * FUNCTION_COLUMNS + STATE_COLUMN] = -1;
  return table;
}
