/**
 * The troubleshooting seed's invocation errors (V8-V10): permissions, KMS
 * keys and EFS file systems, each with AWS's code, HTTP status and message.
 */
import { describe, expect, it } from "vitest";
import { API_ERROR_HTTP_STATUS, ApiError, Messages } from "../../src/model/aws-names.js";
import type { PlanFault } from "../../src/model/plan.js";
import { runPlan } from "../../src/model/run.js";
import { metricsContext } from "../../src/metrics/context.js";
import { family } from "../../src/measures/families.js";
import { buildReport, stripWallClock } from "../../src/report/json-report.js";
import { renderSummary } from "../../src/report/summary.js";
import { loadScenarioFile } from "../../src/scenario/load.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import { apiCount, expectInvariantsHold, recordsOf, runTraced } from "../helpers/run-traced.js";

const OTHER_ACCOUNT = "210987654321";

/** Invoke outcomes of `fn`'s calls in time order: "OK" or the error code. */
const outcomes = (trace: ReturnType<typeof runTraced>["trace"], fn: string) =>
  recordsOf(trace, fn, "Invoke").map((r) => r.outcome);

function permissionsPlan() {
  return new PlanBuilder(60)
    .template("mine", { existing: true })
    .template("shared", { existing: true, policy: [`arn:aws:iam::123456789012:user/auditor`, OTHER_ACCOUNT] })
    .template("public", { existing: true, policy: ["*"] })
    .client("once", null, 1);
}

describe("V8: permissions", () => {
  it("V8: a same-account caller whose identity policy allows the function invokes it", () => {
    const b = permissionsPlan();
    b.caller("developer", { allow: ["mine"] });
    b.call(1, "Invoke", "mine", "once", undefined, "developer");
    const { out, trace } = runTraced(b.build());
    expect(outcomes(trace, "mine")).toEqual(["OK"]);
    expect(apiCount(out, "Invoke", "AccessDeniedException")).toBe(0);
  });

  it("V8: a same-account caller named by the function's resource policy invokes it without an identity policy", () => {
    const b = permissionsPlan();
    b.caller("auditor");
    b.call(1, "Invoke", "shared", "once", undefined, "auditor");
    b.call(2, "Invoke", "public", "once", undefined, "auditor");
    const { trace } = runTraced(b.build());
    expect(outcomes(trace, "shared")).toEqual(["OK"]);
    expect(outcomes(trace, "public")).toEqual(["OK"]);
  });

  it("V8: a caller without permission gets AccessDeniedException (403) with the seed's message", () => {
    const b = permissionsPlan();
    b.caller("developer", { allow: ["public"] });
    b.call(1, "Invoke", "mine", "once", undefined, "developer");
    const { out, trace } = runTraced(b.build());
    const [r] = recordsOf(trace, "mine", "Invoke");
    expect(r.outcome).toBe("AccessDeniedException");
    expect(r.message).toBe(
      "User: arn:aws:iam::123456789012:user/developer is not authorized to perform: lambda:InvokeFunction on resource: mine",
    );
    expect(API_ERROR_HTTP_STATUS[ApiError.AccessDeniedException]).toBe(403);
    expect(apiCount(out, "Invoke", "AccessDeniedException")).toBe(1);
    expect(out.obs.deniedByCaller[0]).toBe(1);
  });

  it("V8: a cross-account caller needs both its own permission and the function's policy", () => {
    const b = permissionsPlan();
    b.caller("partner", { account: OTHER_ACCOUNT, allow: "*" });
    b.caller("stranger", { account: OTHER_ACCOUNT });
    b.call(1, "Invoke", "shared", "once", undefined, "partner"); // both allow
    b.call(2, "Invoke", "mine", "once", undefined, "partner"); // identity only
    b.call(3, "Invoke", "shared", "once", undefined, "stranger"); // resource policy only
    const { trace } = runTraced(b.build());
    expect(outcomes(trace, "shared")).toEqual(["OK", "AccessDeniedException"]);
    expect(outcomes(trace, "mine")).toEqual(["AccessDeniedException"]);
    expect(recordsOf(trace, "shared", "Invoke")[1].message).toBe(
      Messages.accessDenied(`arn:aws:iam::${OTHER_ACCOUNT}:user/stranger`, "shared"),
    );
  });

  it("V8: authorisation comes before the State rules: a denied caller of a Pending function gets 403, not 409", () => {
    const b = new PlanBuilder(60).template("fn").client("once", null, 1);
    b.caller("developer");
    b.caller("admin", { allow: "*" });
    b.call(0, "CreateFunction", "fn", "once");
    b.call(0.06, "Invoke", "fn", "once", undefined, "developer");
    b.call(0.06, "Invoke", "fn", "once", undefined, "admin");
    const { trace } = runTraced(b.build());
    const records = recordsOf(trace, "fn", "Invoke");
    expect(records.map((r) => [r.outcome, r.stateBefore])).toEqual([
      ["AccessDeniedException", "Pending"],
      ["ResourceConflictException", "Pending"],
    ]);
  });

  it("V8: a denied invocation takes no concurrency and starts no environment", () => {
    const b = new PlanBuilder(60)
      .account({ concurrencyLimit: 10 })
      .template("fn", { existing: true, duration: constant(10), timeoutS: 20 })
      .client("once", null, 1);
    b.caller("developer");
    for (let i = 0; i < 50; i++) b.call(1, "Invoke", "fn", "once", undefined, "developer");
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "AccessDeniedException")).toBe(50);
    expect(out.shared.peakConcurrency).toBe(0);
    expect(out.obs.coldStarts + out.obs.warmStarts).toBe(0);
    expectInvariantsHold(out);
  });
});

function kmsPlan(faults: PlanFault[], keyChanges: { atS: number; key: number }[] = []) {
  const b = new PlanBuilder(300)
    .template("fn", { existing: true, kmsKey: "app-key" })
    .client("once", null, 1);
  b.kmsKey("spare-key");
  for (const f of faults) b.fault(f);
  for (const c of keyChanges) b.call(c.atS, "UpdateFunctionConfiguration", "fn", "once", { kmsKey: c.key });
  for (let t = 5; t < 300; t += 10) b.call(t, "Invoke", "fn", "once");
  return b;
}

/** Invoke outcomes in time order, with their times in seconds. */
const timeline = (trace: ReturnType<typeof runTraced>["trace"]) =>
  recordsOf(trace, "fn", "Invoke").map((r) => [Math.round(r.timeUs / 1e5) / 10, r.outcome] as const);

describe("V9: KMS keys", () => {
  it("V9: a disabled key makes invocations fail with KMSDisabledException (502) and the seed's message", () => {
    const b = kmsPlan([{ kind: "kmsKeyDisabled", key: 0, fromUs: sec(50), untilUs: sec(100) }]);
    const { out, trace } = runTraced(b.build());
    const failed = recordsOf(trace, "fn", "Invoke").filter((r) => r.outcome === "KMSDisabledException");
    expect(failed.length).toBe(5); // 55, 65, 75, 85, 95
    expect(failed[0].message).toBe(
      "Lambda was unable to decrypt the environment variables because the KMS key used is disabled. Please check the function's KMS key settings.",
    );
    expect(API_ERROR_HTTP_STATUS[ApiError.KMSDisabledException]).toBe(502);
    expect(out.shared.peakConcurrency).toBe(1); // the failed ones took none
    expectInvariantsHold(out);
  });

  it("V9: re-enabling the key heals the function; the first invocation after starts cold", () => {
    const b = kmsPlan([{ kind: "kmsKeyDisabled", key: 0, fromUs: sec(50), untilUs: sec(100) }]);
    const { out, trace } = runTraced(b.build());
    const t = timeline(trace);
    expect(t.find(([at]) => at > 100)?.[1]).toBe("OK");
    expect(t.filter(([at, o]) => at < 50 && o !== "OK")).toEqual([]);
    // Cold at 5 s and again after the key came back (the environment was not kept).
    expect(out.obs.coldStarts).toBe(2);
  });

  it("V9: a revoked grant fails invocations until a configuration update reassigns the key", () => {
    const b = kmsPlan(
      [{ kind: "kmsGrantRevoked", key: 0, fromUs: sec(50), untilUs: sec(300), targets: null }],
      [
        { atS: 120, key: 1 }, // a different key: works again
        { atS: 180, key: 0 }, // the custom key reassigned: a new grant
      ],
    );
    const { trace } = runTraced(b.build());
    const t = timeline(trace);
    const outcomeAt = (s: number) => t.find(([at]) => at >= s)?.[1];
    expect(outcomeAt(45)).toBe("OK");
    expect(outcomeAt(55)).toBe("KMSDisabledException");
    expect(outcomeAt(115)).toBe("KMSDisabledException"); // no healing on its own
    expect(outcomeAt(135)).toBe("OK");
    expect(outcomeAt(195)).toBe("OK");
    expect(t.filter(([at, o]) => at > 130 && o !== "OK")).toEqual([]);
  });

  it("V9: a revoked grant does not heal when the key is 're-enabled' or the same key set again", () => {
    const b = kmsPlan(
      [{ kind: "kmsGrantRevoked", key: 0, fromUs: sec(50), untilUs: sec(300), targets: null }],
      [{ atS: 120, key: 0 }],
    );
    const { trace } = runTraced(b.build());
    expect(
      timeline(trace)
        .filter(([at]) => at > 130)
        .every(([, o]) => o === "KMSDisabledException"),
    ).toBe(true);
  });

  it("V9: functions on the AWS managed key never fail", () => {
    const b = new PlanBuilder(120).template("fn", { existing: true }).client("once", null, 1);
    b.kmsKey("app-key");
    b.fault({ kind: "kmsKeyDisabled", key: 0, fromUs: 0, untilUs: sec(120) });
    b.fault({ kind: "kmsGrantRevoked", key: -1, fromUs: 0, untilUs: sec(120), targets: null });
    for (let t = 5; t < 100; t += 10) b.call(t, "Invoke", "fn", "once");
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(10);
  });

  it("V9: the same outcome on 1, 3 and 8 partitions, with grants on and off", () => {
    const plan = new PlanBuilder(300)
      .template("keyed", { count: 20, existing: true, kmsKey: "app-key" })
      .template("plain", { count: 20, existing: true })
      .build();
    const names = plan.functions.names;
    plan.invokeStreams.push({
      startUs: 0,
      endUs: sec(300),
      targets: Int32Array.from(names.map((_, i) => i)),
      rate: { points: [{ atUs: 0, ratePerSec: 50 }] },
      process: "poisson",
      popularity: { kind: "uniform" },
      client: 0,
    });
    plan.faults.push({ kind: "kmsKeyDisabled", key: 0, fromUs: sec(60), untilUs: sec(120) });
    plan.faults.push({ kind: "kmsGrantRevoked", key: 0, fromUs: sec(200), untilUs: sec(300), targets: null });
    const key = (p: number, grants = true) =>
      JSON.stringify(Array.from(runPlan(plan, { partitions: p, grants }).obs.api));
    const reference = key(1);
    expect(JSON.parse(reference)[1 * 16 + ApiError.KMSDisabledException]).toBeGreaterThan(100);
    expect(key(3)).toBe(reference);
    expect(key(8)).toBe(reference);
    expect(key(8, false)).toBe(reference);
  });
});

const ACCESS_POINT = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0";

/** A VPC function mounting file system "fs" (baseline 10 MiB/s, burst 100 MiB/s, `creditsMiB`). */
function efsPlan(untilS: number, creditsMiB = 1e6, io = 5) {
  return new PlanBuilder(untilS)
    .vpc("vpc-a")
    .subnet("subnet-a", 100)
    .fileSystem("fs", 10, 100, creditsMiB)
    .template("fn", {
      existing: true,
      vpc: { subnets: ["subnet-a"], securityGroups: ["sg-1"] },
      fileSystem: "fs",
      ioThroughputMiBps: io,
      initDuration: constant(0.2),
      duration: constant(1),
      timeoutS: 3,
    })
    .client("once", null, 1);
}

const MOUNT_CASES = [
  ["efsMountFailure", "EFSMountFailureException", 403, Messages.efsMountFailure(ACCESS_POINT)],
  ["efsMountConnectivity", "EFSMountConnectivityException", 408, Messages.efsMountConnectivity(ACCESS_POINT)],
  ["efsMountTimeout", "EFSMountTimeoutException", 408, Messages.efsMountTimeout(ACCESS_POINT)],
] as const;

describe("V10: EFS file systems", () => {
  it.each(MOUNT_CASES)(
    "V10: %s fails cold starts only, with %s (HTTP %i) and the seed's message",
    (kind, code, status, message) => {
      const b = efsPlan(120);
      b.fault({ kind, fromUs: sec(10), untilUs: sec(60), probability: 1, fileSystem: -1, targets: null });
      b.call(1, "Invoke", "fn", "once"); // cold, before the fault: mounted
      b.call(20, "Invoke", "fn", "once"); // warm: already mounted, keeps working
      b.call(30, "Invoke", "fn", "once");
      b.call(30, "Invoke", "fn", "once"); // needs a second environment: a cold start that fails
      b.call(70, "Invoke", "fn", "once"); // fault over
      b.call(70, "Invoke", "fn", "once");
      const { out, trace } = runTraced(b.build());
      const records = recordsOf(trace, "fn", "Invoke");
      expect(records.map((r) => r.outcome).sort()).toEqual([code, "OK", "OK", "OK", "OK", "OK"].sort());
      const failed = records.find((r) => r.outcome === code)!;
      expect(failed.message).toBe(message);
      expect(API_ERROR_HTTP_STATUS[ApiError[code]]).toBe(status);
      expect(out.obs.efsMountFailures[MOUNT_CASES.findIndex((c) => c[0] === kind)]).toBe(1);
      // The failed start's environment was not kept: at 70 s one is warm, the other starts cold.
      expect(out.obs.coldStarts).toBe(2);
      const took = failed.timeUs - sec(30);
      if (kind === "efsMountTimeout")
        expect(took).toBe(sec(10) + 20_000); // the mount timeout, after the frontend
      else expect(took).toBe(20_000);
      expectInvariantsHold(out);
    },
  );

  it("V10: a mount fault can be limited to one file system", () => {
    const b = efsPlan(60).fileSystem("other", 10, 100, 1000);
    b.fault({
      kind: "efsMountFailure",
      fromUs: 0,
      untilUs: sec(60),
      probability: 1,
      fileSystem: 1,
      targets: null,
    });
    b.call(1, "Invoke", "fn", "once");
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(1);
  });

  it("V10: burst credits drain under high concurrency, then invocations whose IO takes too long get EFSIOException (410)", () => {
    // 40 invocations/s of 1 s at 5 MiB/s each: 200 MiB/s wanted, 100 served while 400 MiB of credits last.
    const b = efsPlan(200, 400);
    const plan = b.build();
    plan.invokeStreams.push({
      startUs: sec(1),
      endUs: sec(60),
      targets: Int32Array.of(0),
      rate: { points: [{ atUs: sec(1), ratePerSec: 40 }] },
      process: "constant",
      popularity: { kind: "uniform" },
      client: 0,
    });
    const { out, trace } = runTraced(plan);
    const records = recordsOf(trace, "fn", "Invoke");
    const firstIo = records.find((r) => r.outcome === "EFSIOException")!;
    expect(firstIo.message).toBe(Messages.efsIo);
    expect(API_ERROR_HTTP_STATUS[ApiError.EFSIOException]).toBe(410);
    // While credits last, invocations are slowed (2x) but finish.
    const early = records.filter((r) => r.timeUs < sec(4));
    expect(early.length).toBeGreaterThan(30);
    expect(early.every((r) => r.outcome === "OK")).toBe(true);
    expect(out.obs.histograms[4].maxValue).toBeGreaterThan(sec(1.9)); // invocation latency stretched
    expect(apiCount(out, "Invoke", "EFSIOException")).toBeGreaterThan(1000);
    expect(out.obs.efsIoStopped[0]).toBe(apiCount(out, "Invoke", "EFSIOException"));
    expect(out.efs?.fileSystems[0].minCreditsMiB).toBe(0);
    expectInvariantsHold(out);
  });

  it("V10: when the load drops below the baseline, invocations succeed again and credits refill", () => {
    const plan = efsPlan(300, 400).build();
    const stream = (fromS: number, toS: number, ratePerSec: number) =>
      plan.invokeStreams.push({
        startUs: sec(fromS),
        endUs: sec(toS),
        targets: Int32Array.of(0),
        rate: { points: [{ atUs: sec(fromS), ratePerSec }] },
        process: "constant",
        popularity: { kind: "uniform" },
        client: 0,
      });
    stream(1, 30, 40);
    stream(60, 200, 1); // 5 MiB/s: under the 10 MiB/s baseline
    const { out, trace } = runTraced(plan);
    const late = recordsOf(trace, "fn", "Invoke").filter((r) => r.timeUs > sec(60));
    expect(late.length).toBeGreaterThan(100);
    expect(late.every((r) => r.outcome === "OK")).toBe(true);
    const fs = out.efs!.fileSystems[0];
    expect(fs.minCreditsMiB).toBe(0);
    expect(fs.creditsAtEndMiB).toBeGreaterThan(0);
  });

  it("V10: EFS functions never use the partition's grant, and the outcome is the same on 1, 3 and 8 partitions", () => {
    const b = new PlanBuilder(120)
      .vpc("vpc-a")
      .subnet("subnet-a", 100)
      .fileSystem("fs", 20, 100, 300)
      .template("efs", {
        count: 10,
        existing: true,
        vpc: { subnets: ["subnet-a"], securityGroups: ["sg-1"] },
        fileSystem: "fs",
        ioThroughputMiBps: 4,
        duration: constant(0.5),
        timeoutS: 2,
      })
      .template("plain", { count: 10, existing: true });
    const plan = b.build();
    plan.invokeStreams.push({
      startUs: 0,
      endUs: sec(100),
      targets: Int32Array.from(plan.functions.names.map((_, i) => i)),
      rate: { points: [{ atUs: 0, ratePerSec: 120 }] },
      process: "poisson",
      popularity: { kind: "uniform" },
      client: 0,
    });
    plan.faults.push({
      kind: "efsMountConnectivity",
      fromUs: sec(30),
      untilUs: sec(40),
      probability: 0.5,
      fileSystem: -1,
      targets: null,
    });
    const run = (p: number, grants = true) =>
      runPlan(plan, { partitions: p, grants, sampleIntervalUs: sec(10) });
    const key = (o: ReturnType<typeof run>) =>
      JSON.stringify([Array.from(o.obs.api), o.efs, o.samples.map((s) => s.shared.efsCreditsMiB)]);
    const reference = run(1);
    expect(reference.obs.api[1 * 16 + ApiError.EFSIOException]).toBeGreaterThan(0);
    expect(key(run(3))).toBe(key(reference));
    expect(key(run(8))).toBe(key(reference));
    expect(key(run(8, false))).toBe(key(reference));
  });
});

describe("V8-V10: the shipped scenarios", () => {
  /** The report without what may depend on the partition count (docs/report-schema.md). */
  const canonicalReport = (file: string, partitions: number, grants = true) => {
    const plan = loadScenarioFile(file);
    const outcome = runPlan(plan, { partitions, grants, sampleIntervalUs: sec(30) });
    const r = stripWallClock(buildReport(outcome, { file, seed: plan.seed, partitions: 0 }));
    const { events: _e, windows: _w, messages: _m, ...run } = r.run;
    return JSON.stringify({ ...r, run });
  };

  it.each(["kms-disabled", "efs-faults", "cross-account-invoke"])(
    "V8-V10: %s gives the same report on 1, 3 and 8 partitions, grants on and off",
    (name) => {
      const file = `scenarios/${name}.yaml`;
      const reference = canonicalReport(file, 1);
      expect(canonicalReport(file, 3)).toBe(reference);
      expect(canonicalReport(file, 8)).toBe(reference);
      expect(canonicalReport(file, 8, false)).toBe(reference);
    },
    120_000,
  );

  it("V9: kms-disabled shows both failures and both cures", () => {
    const plan = loadScenarioFile("scenarios/kms-disabled.yaml");
    const out = runPlan(plan, { partitions: 4, sampleIntervalUs: sec(60) });
    const kmsByMinute = out.samples.map((s, i) => {
      const at = 16 + ApiError.KMSDisabledException;
      return s.counters.api[at] - (i > 0 ? out.samples[i - 1].counters.api[at] : 0);
    });
    // Minutes 4-6: the disabled key; 10-12 and part of 13: the revoked grant; none after the cure.
    expect(kmsByMinute.slice(1, 4)).toEqual([0, 0, 0]);
    expect(kmsByMinute.slice(4, 7).every((n) => n > 500)).toBe(true);
    expect(kmsByMinute.slice(7, 10)).toEqual([0, 0, 0]);
    expect(kmsByMinute.slice(10, 13).every((n) => n > 300)).toBe(true);
    expect(kmsByMinute.slice(14).every((n) => n === 0)).toBe(true);
  });

  it("V10: efs-faults shows every EFS error, and recovery at the end", () => {
    const plan = loadScenarioFile("scenarios/efs-faults.yaml");
    const report = buildReport(runPlan(plan, { partitions: 4 }), { file: null, seed: 1, partitions: 4 });
    const o = report.invocations.outcomes;
    expect(o.EFSMountTimeoutException).toBeGreaterThan(0);
    expect(o.EFSMountConnectivityException).toBeGreaterThan(0);
    expect(o.EFSIOException).toBeGreaterThan(1000);
    const fs = report.fileSystems![0];
    expect(fs.accessPointArn).toBe(
      "arn:aws:elasticfilesystem:us-east-2:123456789012:access-point/fsap-015c0a1b72b405fd1",
    );
    expect(fs.minCreditsMiB).toBe(0);
    expect(fs.creditsAtEndMiB).toBeGreaterThan(1000);
    expect(fs.ioStopped).toBe(o.EFSIOException);
  });

  it("V8: cross-account-invoke denies exactly the calls AWS's rule denies", () => {
    const plan = loadScenarioFile("scenarios/cross-account-invoke.yaml");
    const report = buildReport(runPlan(plan, { partitions: 4 }), { file: null, seed: 1, partitions: 4 });
    const [developer, partner, auditor] = report.callers!;
    expect(auditor.denied).toBe(auditor.invocations); // no identity policy: nothing cross-account
    expect(partner.denied).toBeGreaterThan(0); // internal-* has no resource policy
    expect(partner.denied).toBeLessThan(partner.invocations);
    expect(developer.denied).toBeGreaterThan(0); // internal-* not in its identity policy
    expect(report.api.Invoke.errors.AccessDeniedException).toBe(
      developer.denied + partner.denied + auditor.denied,
    );
  });
});

describe("V11: reporting the V8-V10 errors", () => {
  const plan = () => {
    const b = efsPlan(200, 400);
    b.template("keyed", { existing: true, kmsKey: "k" }).caller("developer");
    b.fault({ kind: "kmsKeyDisabled", key: 0, fromUs: 0, untilUs: sec(200) });
    b.call(1, "Invoke", "keyed", "once");
    b.call(2, "Invoke", "keyed", "once", undefined, "developer");
    const p = b.build();
    p.invokeStreams.push({
      startUs: sec(1),
      endUs: sec(60),
      targets: Int32Array.of(0),
      rate: { points: [{ atUs: sec(1), ratePerSec: 40 }] },
      process: "constant",
      popularity: { kind: "uniform" },
      client: 0,
    });
    return p;
  };

  it("V11: the report counts each code, per caller and per file system, and samples the credits", () => {
    const out = runPlan(plan(), { partitions: 2, sampleIntervalUs: sec(20) });
    const report = buildReport(out, { file: null, seed: 7, partitions: 2 });
    expect(report.invocations.outcomes.KMSDisabledException).toBe(1);
    expect(report.invocations.outcomes.AccessDeniedException).toBe(1);
    expect(report.invocations.outcomes.EFSIOException).toBeGreaterThan(0);
    expect(report.api.Invoke.errors.EFSIOException).toBe(report.invocations.outcomes.EFSIOException);
    expect(report.callers).toEqual([
      {
        name: "developer",
        account: "123456789012",
        arn: "arn:aws:iam::123456789012:user/developer",
        invocations: 1,
        denied: 1,
      },
    ]);
    expect(report.fileSystems![0]).toMatchObject({ id: "fs", minCreditsMiB: 0, burstCreditsMiB: 400 });
    const credits = report.samples!.map((s) => s.efsCreditsMiB![0]);
    expect(credits[0]).toBe(400);
    expect(Math.min(...credits)).toBe(0);
    expect(credits.at(-1)).toBeGreaterThan(0); // refilled after the load stopped
  });

  it("V11: the summary has a line for callers and one per file system only when the scenario has them", () => {
    const withFaults = renderSummary(
      buildReport(runPlan(plan(), { partitions: 2 }), { file: null, seed: 7, partitions: 2 }),
      { color: false },
    );
    expect(withFaults).toMatch(/denied by caller \.+: developer=1\/1/);
    expect(withFaults).toMatch(
      /efs fs \.+: credits min=0 end=\d+ of 400 MiB, peak demand [\d.]+ MiB\/s .* EFSIOException=\d+/,
    );
    expect(withFaults).toMatch(/KMSDisabledException \.+: 1 /);
    const plain = renderSummary(
      buildReport(runPlan(new PlanBuilder(10).template("f", { existing: true }).build(), { partitions: 1 }), {
        file: null,
        seed: 7,
        partitions: 1,
      }),
      { color: false },
    );
    expect(plain).not.toMatch(/denied by caller|efs /);
  });

  it("V11: the EFS gauges read each file system's credits, demand, baseline and invocations in flight", () => {
    const p = plan();
    const out = runPlan(p, { partitions: 2, sampleIntervalUs: sec(20) });
    const ctx = metricsContext(p);
    const gauge = (name: string, s: (typeof out.samples)[number]) => {
      const f = family(name);
      if (f.type === "histogram") throw new Error(name);
      expect(f.series(ctx)).toEqual([["fs"]]);
      return f.values(s, ctx)[0];
    };
    const busy = out.samples[1]; // at 20 s, under load
    expect(gauge("fleetsim_efs_burst_credit_balance_bytes", out.samples[0])).toBe(400 * 1_048_576);
    expect(gauge("fleetsim_efs_throughput_demand_bytes_per_second", busy)).toBe(
      busy.shared.efsInFlight[0] * 5 * 1_048_576,
    );
    expect(gauge("fleetsim_efs_invocations_in_flight", busy)).toBeGreaterThan(40);
    expect(gauge("fleetsim_efs_baseline_throughput_bytes_per_second", busy)).toBe(10 * 1_048_576);
  });
});
