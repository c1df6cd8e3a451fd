/**
 * serve --record without the wall clock: a scripted live run adds calls
 * between epochs as a session does, at chosen microseconds (on the same
 * microsecond as the workload's arrivals, and many on one), then the
 * recorded scenario is run: every call has the same answer at the same time.
 */
import { describe, expect, it } from "vitest";
import { RandomStream } from "../src/engine/random-streams.js";
import type { LiveControl } from "../src/model/live-control.js";
import type { PlanCall } from "../src/model/plan.js";
import { type LiveLink, prepareRun } from "../src/model/run.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { recordScenario } from "../src/serve/record-scenario.js";
import { SessionRecording } from "../src/serve/recording.js";
import { type ServePlan, servePlan, vpcConfigKey } from "../src/serve/serve-plan.js";

/** One function at its reserved concurrency of 1, invoked every 100 ms (exact microseconds) for 150 ms each. */
const SCENARIO = `# Ties: the API's invokes land on the stream's arrivals.
name: ties
duration: 1m
network:
  vpcs:
    - id: vpc-main
      securityGroups: [sg-app]
      subnets:
        - { id: subnet-a, cidr: 10.0.1.0/24 }
functions:
  - template: hot
    existing: true
    reservedConcurrency: 1
    duration: 150ms
workload:
  - action: invoke
    functions: "*"
    for: 1h
    arrival: { process: constant, rate: 10/s }
`;

interface Scripted {
  atUs: number;
  operation: PlanCall["operation"];
  name: string;
  vpc?: boolean;
  memoryMb?: number;
}

/** A LiveLink that adds its script's calls before the epoch they fall in, as ServeSession does, then stops. */
class ScriptedLink implements LiveLink {
  stopped = false;
  private control: LiveControl | null = null;
  private next = 0;
  readonly recording: SessionRecording;
  private readonly byName = new Map<string, number>();
  private nextSlot: number;

  constructor(
    private readonly served: ServePlan,
    private readonly script: Scripted[],
    private readonly stopAtUs: number,
  ) {
    this.recording = new SessionRecording(served.plan.calls.length);
    this.nextSlot = served.firstSlot;
    served.plan.functions.names.slice(0, served.firstSlot).forEach((n, g) => this.byName.set(n, g));
  }

  attach(control: LiveControl): void {
    this.control = control;
  }

  beforeEpoch(startUs: number, endUs: number): null {
    const control = this.control!;
    if (startUs >= this.stopAtUs) this.stopped = true;
    while (this.next < this.script.length && this.script[this.next].atUs < endUs) {
      const s = this.script[this.next++];
      const atUs = Math.max(startUs, s.atUs);
      let g = this.byName.get(s.name) ?? -1;
      let created = null;
      if (s.operation === "CreateFunction" && g < 0) {
        g = this.nextSlot++;
        this.byName.set(s.name, g);
      }
      if (s.operation === "CreateFunction" && control.read(g).state === "Absent") {
        const settings = {
          memoryMb: s.memoryMb ?? 128,
          timeoutUs: 3_000_000,
          vpcConfig: s.vpc ? this.served.vpcConfigs.get(vpcConfigKey(["subnet-a"], ["sg-app"]))! : -1,
        };
        const template = this.served.templates.get("nodejs/Zip")!;
        control.prepareCreate(g, s.name, template, settings);
        created = { function: g, template, settings };
      }
      const call = control.addCall({ atUs, operation: s.operation, function: g, client: this.served.client });
      this.recording.entered(call, atUs, created);
    }
    return null;
  }

  onCallAnswer(_call: number, _error: number, _g: number, _r: unknown, atUs: number): void {
    this.recording.answered(atUs);
  }
}

function script(): Scripted[] {
  const s: Scripted[] = [
    { atUs: 1_000_000, operation: "CreateFunction", name: "made-vpc", vpc: true },
    { atUs: 1_000_000, operation: "CreateFunction", name: "made-plain", memoryMb: 512 },
    // Before the next epoch starts: these enter at its start, all on one microsecond.
    { atUs: 1_000_001, operation: "UpdateFunctionConfiguration", name: "made-vpc" },
    { atUs: 1_000_001, operation: "GetFunction", name: "made-vpc" },
    { atUs: 1_000_001, operation: "Invoke", name: "made-plain" },
  ];
  // Invokes on the stream's own arrivals: every 100 ms after a random phase, the first draw of the
  // function's arrival stream (model/workload.ts), each rounded to its microsecond.
  const phaseUs = new RandomStream(1, "arr:hot-0").next() * 100_000;
  for (let k = 20; k < 50; k++)
    s.push({ atUs: Math.round(phaseUs + k * 100_000), operation: "Invoke", name: "hot-0" });
  for (let k = 0; k < 5; k++) s.push({ atUs: 6_000_000, operation: "Invoke", name: "hot-0" });
  s.push({ atUs: 7_000_000, operation: "DeleteFunction", name: "made-plain" });
  s.push({ atUs: 7_500_000, operation: "CreateFunction", name: "made-plain", memoryMb: 512 });
  s.push({ atUs: 9_000_000, operation: "Invoke", name: "made-plain" });
  for (let k = 0; k < 20; k++) s.push({ atUs: 100_000_000 + k, operation: "GetFunction", name: "made-vpc" });
  s.push({ atUs: 100_000_100, operation: "Invoke", name: "made-vpc" });
  return s.sort((a, b) => a.atUs - b.atUs);
}

describe("a recorded session replayed", () => {
  it("gives every call the same answer at the same time, with calls on the workload's microseconds and on one epoch start", async () => {
    const served = servePlan(loadScenarioText(SCENARIO, "ties.yaml"), 20, ["nodejs20.x"]);
    const link = new ScriptedLink(served, script(), 120_000_000);
    // Epochs of 0.5 s, as a session at 25x has them.
    const live = await prepareRun(served.plan, { partitions: 1, live: link, epochUs: 500_000 }).run();
    const recorded = recordScenario(SCENARIO, served, link.recording, false);
    expect(recorded.warnings).toEqual([]);
    expect(recorded.calls).toBe(script().length);
    expect(recorded.text).toContain("functions: [ hot-0 ]");
    const session = live.callAnswers;
    expect(session).toHaveLength(script().length);
    // The stream's throttles and the API's: the ties decide which invoke gets the one environment.
    const throttled = session.filter((a) => a.error !== 0).length;
    expect(throttled).toBeGreaterThan(0);
    expect(throttled).toBeLessThan(session.length);
    for (const partitions of [1, 3]) {
      const plan = loadScenarioText(recorded.text, "recorded.yaml");
      const replay = prepareRun(plan, { partitions }).runSync();
      expect(replay.callAnswers).toEqual(session);
    }
  }, 60_000);
});
