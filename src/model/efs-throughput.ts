/**
 * EFS throughput (V10), owned by the coordinator: a file system's throughput
 * is shared by every running invocation of the functions that mount it,
 * whatever partition hosts them. Each file system has a demand (the sum of
 * its in-flight invocations' ioThroughput) and a burst credit balance that
 * moves piecewise linearly between admissions and releases, like EFS's
 * bursting mode: while credits last it serves up to its burst throughput and
 * spends (served - baseline) MiB/s of credits; below the baseline it earns
 * (baseline - demand) MiB/s up to the maximum. Out of credits it serves only
 * the baseline, and an invocation admitted while demand exceeds what is
 * served has its IO slowed by demand / served.
 */
import type { Plan } from "./plan.js";

export class EfsThroughput {
  /** File system of each function (global index), or -1; empty when the plan has no file system. */
  private readonly fsOf: Int32Array;
  private readonly ioMiBps: Float64Array;
  readonly inFlight: Int32Array;
  readonly demandMiBps: Float64Array;
  private readonly creditsMiB: Float64Array;
  private readonly creditsAtUs: Float64Array;
  readonly peakDemandMiBps: Float64Array;
  readonly minCreditsMiB: Float64Array;
  /** Admissions slowed down (demand above what the file system served), by file system. */
  readonly slowedAdmissions: Float64Array;

  constructor(private readonly plan: Plan) {
    const k = plan.fileSystems.length;
    const n = k === 0 ? 0 : plan.functions.names.length;
    this.fsOf = new Int32Array(n);
    this.ioMiBps = new Float64Array(n);
    for (let g = 0; g < n; g++) {
      const tpl = plan.templates[plan.functions.template[g]];
      this.fsOf[g] = tpl.fileSystem;
      this.ioMiBps[g] = tpl.ioThroughputMiBps;
    }
    this.inFlight = new Int32Array(k);
    this.demandMiBps = new Float64Array(k);
    this.creditsMiB = Float64Array.from(plan.fileSystems, (f) => f.burstCreditsMiB);
    this.minCreditsMiB = Float64Array.from(plan.fileSystems, (f) => f.burstCreditsMiB);
    this.creditsAtUs = new Float64Array(k);
    this.peakDemandMiBps = new Float64Array(k);
    this.slowedAdmissions = new Float64Array(k);
  }

  /** The file system function g mounts, or -1. */
  fileSystemOf(g: number): number {
    return this.fsOf.length === 0 ? -1 : this.fsOf[g];
  }

  /** An invocation of g (which mounts a file system) is admitted at nowUs: its IO slowdown factor (1: none). */
  admit(g: number, nowUs: number): number {
    const fs = this.fsOf[g];
    this.advance(fs, nowUs);
    this.inFlight[fs]++;
    const demand = (this.demandMiBps[fs] += this.ioMiBps[g]);
    if (demand > this.peakDemandMiBps[fs]) this.peakDemandMiBps[fs] = demand;
    const served = this.servedMiBps(fs, this.creditsMiB[fs]);
    if (demand <= served) return 1;
    this.slowedAdmissions[fs]++;
    return demand / served;
  }

  /** An admitted invocation of g ended (or never started). */
  release(g: number, nowUs: number): void {
    const fs = this.fsOf[g];
    this.advance(fs, nowUs);
    this.inFlight[fs]--;
    this.demandMiBps[fs] -= this.ioMiBps[g];
    if (this.inFlight[fs] === 0) this.demandMiBps[fs] = 0; // no float residue once idle
  }

  /** The credit balance at nowUs (a read: changes nothing, so sampling cannot change the run). */
  creditsAt(fs: number, nowUs: number): number {
    return this.evolved(fs, nowUs);
  }

  private advance(fs: number, nowUs: number): void {
    const c = this.evolved(fs, nowUs);
    this.creditsMiB[fs] = c;
    this.creditsAtUs[fs] = nowUs;
    if (c < this.minCreditsMiB[fs]) this.minCreditsMiB[fs] = c;
  }

  /** Throughput served at a demand, given the balance: up to the burst rate with credits, the baseline without. */
  private servedMiBps(fs: number, credits: number): number {
    const f = this.plan.fileSystems[fs];
    return credits > 0 ? f.burstMiBps : f.baselineMiBps;
  }

  /** The balance after the time since the last change at the current (constant) demand. */
  private evolved(fs: number, nowUs: number): number {
    const f = this.plan.fileSystems[fs];
    const dtS = (nowUs - this.creditsAtUs[fs]) / 1e6;
    const c = this.creditsMiB[fs];
    if (dtS <= 0) return c;
    const demand = this.demandMiBps[fs];
    if (demand <= f.baselineMiBps) return Math.min(f.burstCreditsMiB, c + (f.baselineMiBps - demand) * dtS);
    const spend = Math.min(demand, f.burstMiBps) - f.baselineMiBps;
    return Math.max(0, c - spend * dtS);
  }
}
