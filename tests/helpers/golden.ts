/**
 * Golden reports: the JSON report (`fleet-sim run --out`) of every shipped
 * scenario at two seeds, kept in tests/golden/, so a change that must not
 * change behaviour proves it byte for byte.
 *
 * Left out, because they are not results of the simulation: the wall-clock
 * fields (`run.wallMs`, `run.eventsPerSec`), the partition count and worker
 * threads the run was given (`scenario.partitions`, `run.workers`,
 * `run.workersReason`) and the engine's round count (`run.windows`),
 * which depends on how functions are placed in partitions and on the
 * engine's synchronisation, never on what the run decides.
 */
import { readdirSync } from "node:fs";
import { simulate } from "../../src/cli/simulate.js";
import { loadScenarioFile } from "../../src/scenario/load.js";

export const GOLDEN_DIR = "tests/golden";
export const GOLDEN_SEEDS = [1, 7] as const;

/** The shipped scenarios (scenarios/*.yaml; scenarios/scale/ is for the bench). */
export function shippedScenarios(): string[] {
  return readdirSync("scenarios")
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => `scenarios/${f}`);
}

export function goldenPath(file: string, seed: number): string {
  const name = file.replace(/^scenarios\//, "").replace(/\.yaml$/, "");
  return `${GOLDEN_DIR}/${name}.seed${seed}.json`;
}

/** A run's report as `--out` writes it, without the fields above. */
export async function goldenReport(
  file: string,
  seed: number,
  engine: { partitions: number; workers: number },
): Promise<string> {
  const plan = loadScenarioFile(file, { seed });
  const { report } = await simulate({
    plan,
    file,
    partitions: engine.partitions,
    traceFd: null,
    traceFilter: "*",
    stopFlag: null,
    metrics: null,
    workers: engine.workers,
    workerMemoryMb: 4096,
  });
  const run = report.run as Partial<typeof report.run>;
  delete run.wallMs;
  delete run.eventsPerSec;
  delete run.windows;
  delete run.workers;
  delete run.workersReason;
  delete (report.scenario as { partitions?: number }).partitions;
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The engine settings the comparison covers: every one of workers 0/1/2 x partitions 1/3/8. */
export const ENGINE_MATRIX = [0, 1, 2].flatMap((workers) =>
  [1, 3, 8].map((partitions) => ({ workers, partitions })),
);
