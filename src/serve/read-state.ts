/**
 * A function as the API reads it between epochs: its reading and its
 * versions, aliases and concurrency settings (V1-V4). Null when no function
 * of that name exists.
 */
import type { FunctionReading, VersionsReading } from "../model/function-reading.js";
import type { ServeSession } from "./session.js";

export interface FunctionState {
  reading: FunctionReading;
  versions: VersionsReading | null;
}

export async function readState(session: ServeSession, name: string): Promise<FunctionState | null> {
  const g = session.indexOf(name);
  if (g < 0) return null;
  const state = await session.inspect((control) => ({
    reading: control.read(g),
    versions: control.readVersions(g),
  }));
  return state.reading.state === "Absent" ? null : state;
}
