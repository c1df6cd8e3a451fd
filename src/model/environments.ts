/**
 * Execution environments (D1-D4, R7, R8, V2, V10): an admitted invocation
 * starts on a warm environment or a cold one (init duration, scaling rate,
 * file-system mount), runs for its sampled duration, and ends; then its
 * environment stays warm or goes. The hot path: numbers only, no objects.
 */
import { ApiError, functionArn, Messages, ReasonCode, ThrottleCause } from "./aws-names.js";
import { billInvocation, provisionedChanged } from "./billing.js";
import type { ControlPlane } from "./control-plane.js";
import { scaledRunUs } from "./cpu-scaling.js";
import { sampleUs } from "./distributions.js";
import type { Distribution } from "./duration-distribution.js";
import type { FleetContext } from "./fleet-context.js";
import { NO_CONFIG } from "./function-store.js";
import type { FunctionTrace } from "./function-trace.js";
import { EFS_MOUNT_ERRORS } from "./invocation-faults.js";
import type { InvocationOutcomes } from "./invocation-outcomes.js";
import type { Lifecycle } from "./lifecycle.js";
import { Phase, type PhaseCode, Trigger } from "./lifecycle-table.js";
import { Hist, TEMPLATE_HIST_INDEX } from "./observations.js";
import { EnvKind, Ev, OUTCOME_SPAN, packInvocation } from "./protocol.js";
import { routeSlot, routeVersion } from "./qualifiers.js";
import { TokenBuckets } from "./token-buckets.js";
import type { Version } from "./versions.js";
import { isTaskCtx, isTraceCtx } from "./trace-durations.js";

const LATENCY = TEMPLATE_HIST_INDEX[Hist.InvocationLatency];

export class Environments {
  /** Each function's burst of new environments (the scaling rate, D3). */
  private readonly scaling: TokenBuckets;

  constructor(
    private readonly c: FleetContext,
    private readonly trace: FunctionTrace,
    private readonly outcomes: InvocationOutcomes,
    private readonly lifecycle: Lifecycle,
    private readonly controlPlane: ControlPlane,
  ) {
    const d = c.plan.defaults;
    this.scaling = new TokenBuckets(c.fn.count);
    for (let f = 0; f < c.fn.count; f++)
      this.scaling.set(f, (d.scalingEnvironments * 1e6) / d.scalingWindowUs, d.scalingEnvironments);
  }

  /**
   * An admitted invocation reaches its environment (the table's
   * InvocationStart). slowdown: how much its file system's shared throughput
   * stretches its IO (V10; 1 without EFS).
   */
  onAdmitted(f: number, arrivalUs: number, ctx: number, slowdown: number): void {
    const vs = this.c.fn.versionsOf[f];
    const route = vs === null ? 0 : vs.shiftRoute();
    const request = this.c.request;
    request.ctx = ctx;
    request.arrivalUs = arrivalUs;
    request.slowdown = slowdown;
    request.envRevision = route;
    request.envVersion = vs === null ? null : vs.version(routeVersion(route));
    const rule = this.lifecycle.lookup(f, Trigger.InvocationStart)!;
    this.lifecycle.apply(f, rule, Trigger.InvocationStart, ReasonCode.None, NO_CONFIG);
  }

  /** R18: the function was deleted between admission and start: its concurrency goes back. */
  abandonInvocation(f: number): void {
    const { ctx, envRevision } = this.c.request;
    this.outcomes.releaseConcurrency(f);
    if (this.trace.isTraced(f)) {
      const message = Messages.notFound(functionArn(this.c.nameOf(f)));
      this.trace.trace(f, Trigger.Invoke, ApiError.ResourceNotFoundException, Phase.Absent, message, "", 0);
    }
    this.outcomes.outcome(f, ctx, ApiError.ResourceNotFoundException, routeSlot(envRevision));
  }

  /** D1, D2: the invocation starts on a warm environment, or a cold one (scaling rate, init, mount). */
  startInvocation(f: number): void {
    const { fn, plan, obs, request, envs } = this.c;
    const { ctx, arrivalUs, slowdown, envRevision: route, envVersion: version } = request;
    const now = this.c.p.nowUs;
    const slot = routeSlot(route);
    const tpl = plan.templates[fn.templateOf[f]];
    const rng = this.c.serviceRng;
    let cold = 0;
    let initUs = 0;
    const pool = version === null ? f : version.pool.onDemand;
    const memoryMb = version === null ? fn.memoryMb[f] : version.memoryMb;
    let env = envs.take(pool, now, this.c.routing, this.c.envRng, f);
    if (env < 0) {
      if (!this.scaling.take(f, now)) {
        this.outcomes.releaseConcurrency(f);
        this.outcomes.countThrottle(f, ThrottleCause.ScalingRate);
        this.outcomes.outcome(f, ctx, ApiError.TooManyRequestsException, slot);
        return;
      }
      const mount = this.c.invocationFaults.mountFault(f, now, rng);
      if (mount >= 0) {
        this.mountFailed(f, arrivalUs, ctx, mount, slot);
        return;
      }
      cold = 1;
      initUs = sampleUs(tpl.initDuration, rng, f);
      obs.record(Hist.InitDuration, initUs);
      env = this.newEnvironment(f, pool, memoryMb);
    }
    envs.arrivalUs[env] = arrivalUs;
    let runUs = scaledRunUs(tpl.cpuScaling, memoryMb, this.handlerUs(f, ctx, tpl.duration));
    let outcome: number = rng.next(f) < tpl.errorRate ? ApiError.FunctionError : ApiError.None;
    const timeoutUs = version === null ? fn.timeoutUs[f] : version.timeoutUs;
    if (runUs > timeoutUs) {
      runUs = timeoutUs;
      outcome = ApiError.Timeout;
    } else if (slowdown > 1) {
      // V10: IO slowed by the file system's shared throughput; past the timeout Lambda stops the instance.
      runUs = Math.round(runUs * slowdown);
      if (runUs > fn.timeoutUs[f]) {
        runUs = fn.timeoutUs[f];
        outcome = ApiError.EFSIOException;
      }
    }
    this.countStart(f, now, cold);
    const billedUs = plan.pricing?.initBilled === false ? runUs : initUs + runUs;
    billInvocation(obs.billingByTemplate, fn.templateOf[f], memoryMb, billedUs, false);
    const live = this.c.live;
    if (live !== null && isTaskCtx(ctx)) live.started(ctx - 1, cold ? initUs : -1, runUs);
    fn.busyEnvironments[f]++;
    const rev = version === null ? fn.liveRevision[f] : route;
    const kind = version === null ? EnvKind.Latest : EnvKind.Version;
    const packed = packInvocation(ctx, fn.incarnation[f], rev, outcome, cold, kind);
    this.c.p.at(now + initUs + runUs, Ev.InvocationEnd, f, env, packed);
  }

  /** The handler's time before CPU scaling: a trace row's own duration (issue 14), or the template's draw. */
  private handlerUs(f: number, ctx: number, duration: Distribution): number {
    if (isTraceCtx(ctx)) return this.c.traceDurations.durationOf(ctx);
    return sampleUs(duration, this.c.serviceRng, f);
  }

  /** D2: a new environment of `pool`, busy from now, with its keep-alive and lifetime drawn. */
  private newEnvironment(f: number, pool: number, memoryMb: number): number {
    const d = this.c.plan.defaults;
    // Without envRng both are constants, which draw nothing: the service stream is never touched.
    const rng = this.c.envRng ?? this.c.serviceRng;
    const keepAliveUs = sampleUs(d.keepAlive, rng, f);
    const lifetimeUs = sampleUs(d.maxLifetime, rng, f);
    const template = this.c.fn.templateOf[f];
    const now = this.c.p.nowUs;
    return this.c.envs.create(
      pool,
      template,
      memoryMb,
      now,
      Math.min(keepAliveUs, d.keepAliveMaxUs),
      lifetimeUs,
    );
  }

  /**
   * Runs a request on a free provisioned environment of `version` (V2). Its
   * concurrency was set aside when the environments were allocated, so the
   * coordinator is not asked. The first request an environment serves pays
   * the runtime's lazy loading (the seed's latency variability).
   */
  runProvisioned(f: number, version: Version, route: number, ctx: number, now: number): void {
    const { fn, plan, obs } = this.c;
    const pool = version.pool;
    let firstUs = 0;
    if (pool.free - pool.fresh <= 0) {
      pool.fresh--;
      firstUs = this.firstInvokeUs(f, version);
      obs.record(Hist.FirstInvokeLatency, firstUs);
    }
    this.c.envMeasures.provisioned(now, 0, 1, version.memoryMb);
    pool.busy++;
    this.c.provisionedBusy++;
    fn.busyEnvironments[f]++;
    obs.provisionedInvocations++;
    this.countStart(f, now, 0);
    const t = fn.templateOf[f];
    const tpl = plan.templates[t];
    const rng = this.c.serviceRng;
    let runUs = scaledRunUs(tpl.cpuScaling, version.memoryMb, this.handlerUs(f, ctx, tpl.duration));
    let outcome: number = rng.next(f) < tpl.errorRate ? ApiError.FunctionError : ApiError.None;
    if (runUs > version.timeoutUs) {
      runUs = version.timeoutUs;
      outcome = ApiError.Timeout;
    }
    billInvocation(obs.billingByTemplate, t, version.memoryMb, firstUs + runUs, true);
    provisionedChanged(obs.billingByTemplate, t, now, 0, version.memoryMb);
    const live = this.c.live;
    // The first request's lazy loading runs in the handler: part of its Duration, not an init.
    if (live !== null && isTaskCtx(ctx)) live.started(ctx - 1, -1, firstUs + runUs);
    const packed = packInvocation(ctx, fn.incarnation[f], route, outcome, 0, EnvKind.Provisioned);
    const endUs = now + plan.defaults.invokeLatencyUs + firstUs + runUs;
    this.c.p.at(endUs, Ev.InvocationEnd, f, now, packed);
  }

  /** The first-invocation latency of a provisioned environment: by runtime at 512 MB, scaled by 512 / memory (0.25-4x). */
  private firstInvokeUs(f: number, version: Version): number {
    const plan = this.c.plan;
    const tpl = plan.templates[this.c.fn.templateOf[f]];
    const d = plan.defaults.firstInvokeLatencyByRuntime[runtimeFamilyOf(tpl.runtime)];
    if (d === undefined) return 0;
    const scale = Math.min(4, Math.max(0.25, 512 / version.memoryMb));
    return Math.round(sampleUs(d, this.c.serviceRng, f) * scale);
  }

  /** Counts a start, warm or cold, by template and by deploy phase (V11). */
  private countStart(f: number, now: number, cold: number): void {
    const obs = this.c.obs;
    if (cold) obs.coldStarts++;
    else obs.warmStarts++;
    const w = this.c.deploy;
    if (w !== null) {
      const phase = now < w.startUs ? 0 : now < w.endUs ? 1 : 2;
      obs.startsByDeployPhase[phase * 2 + 1 - cold]++;
    }
    obs.startsByTemplate[this.c.fn.templateOf[f] * 2 + 1 - cold]++;
  }

  /**
   * V10: a cold start's mount failed. A rejected mount or one that cannot
   * connect fails at once; a mount that times out holds the new environment
   * for the mount timeout first. Either way the environment is not kept.
   */
  private mountFailed(f: number, arrivalUs: number, ctx: number, kind: number, slot: number): void {
    const fn = this.c.fn;
    const error = EFS_MOUNT_ERRORS[kind];
    const fs = this.c.invocationFaults.fileSystemOf(f);
    this.c.obs.efsMountFailures[fs * EFS_MOUNT_ERRORS.length + kind]++;
    if (error === ApiError.EFSMountTimeoutException) {
      // The new environment is held, busy, for the mount timeout; its outcome retires it.
      fn.busyEnvironments[f]++;
      const env = this.newEnvironment(f, f, fn.memoryMb[f]);
      this.c.envs.arrivalUs[env] = arrivalUs;
      const packed = packInvocation(ctx, fn.incarnation[f], fn.liveRevision[f], error, 1);
      this.c.p.after(this.c.plan.defaults.efsMountTimeoutUs, Ev.InvocationEnd, f, env, packed);
      return;
    }
    this.outcomes.releaseConcurrency(f);
    this.outcomes.fault(f, ctx, error, fn.phase[f] as PhaseCode, -1, slot);
  }

  /**
   * An invocation ended (the table's InvocationEnd): its environment stays
   * warm or goes, and it gets its outcome. `a`: its on-demand environment,
   * or for a provisioned one its arrival time.
   */
  onEnded(f: number, a: number, packed: number): void {
    const { fn, obs, request } = this.c;
    // Unpacked with floor division, not %: on a double beyond 32 bits, V8's % calls fmod, about
    // ten times slower, and this runs once per invocation. The fields are the same exact integers.
    let x = Math.floor(packed / 2); // the lowest bit, cold or warm, is counted at the start
    const y = Math.floor(x / OUTCOME_SPAN);
    const outcome = x - y * OUTCOME_SPAN;
    x = Math.floor(y / 65_536);
    const rev = y - x * 65_536;
    const ctx = Math.floor(x / 256);
    const tag = x - ctx * 256;
    const kind = tag & 3;
    const env = kind === EnvKind.Provisioned ? -1 : a;
    const arrivalUs = env < 0 ? a : this.c.envs.arrivalUs[env];
    const sameIncarnation = tag >> 2 === fn.incarnation[f] % 64 && fn.phase[f] !== Phase.Absent;
    fn.busyEnvironments[f]--;
    if (fn.busyEnvironments[f] === 0 && fn.phase[f] === Phase.Active) this.lifecycle.armIdleCheck(f);
    let ranRevision = rev;
    let slot = 0;
    let version: Version | null = null;
    if (kind !== EnvKind.Latest) {
      slot = routeSlot(rev);
      version = sameIncarnation ? fn.versionsOf[f]!.version(routeVersion(rev)) : null;
      if (version !== null) ranRevision = version.revision;
    }
    request.envKind = kind;
    request.envRevision = rev;
    request.envOutcome = outcome;
    request.envVersion = version;
    request.sameIncarnation = sameIncarnation;
    request.envId = env;
    const rule = this.lifecycle.lookup(f, Trigger.InvocationEnd)!;
    this.lifecycle.apply(f, rule, Trigger.InvocationEnd, ReasonCode.None, NO_CONFIG);
    if (outcome === ApiError.EFSIOException) obs.efsIoStopped[this.c.invocationFaults.fileSystemOf(f)]++;
    obs.invocationsByRevision.add(ranRevision);
    obs.recordForTemplate(LATENCY, fn.templateOf[f], this.c.p.nowUs - arrivalUs);
    if (this.trace.isTraced(f)) {
      const ph = fn.phase[f] as PhaseCode;
      const message = outcome > ApiError.Timeout ? this.trace.faultMessage(f, outcome) : "";
      this.trace.trace(f, Trigger.Invoke, outcome, ph, message, "", ranRevision); // the revision it ran (R7)
    }
    this.outcomes.outcome(f, ctx, outcome, slot, kind === EnvKind.Latest ? 0 : routeVersion(rev));
  }

  /** D2: the environment stays warm for the next request of its revision. */
  keepEnvironment(f: number): void {
    this.releaseEnvironment(f, true);
  }

  /** R8, R18: the environment ran a revision no longer live, or its function is gone, or Lambda stopped it. */
  retireEnvironment(f: number): void {
    this.releaseEnvironment(f, false);
  }

  /** The ended invocation's environment (in c.request) goes back idle when `warm` (D2: unless past its retire-at), and its concurrency goes back. */
  private releaseEnvironment(f: number, warm: boolean): void {
    const { request, envs } = this.c;
    const version = request.envVersion;
    const now = this.c.p.nowUs;
    if (request.envKind === EnvKind.Provisioned) {
      if (version !== null) {
        this.c.envMeasures.provisioned(now, 0, -1, version.memoryMb);
        this.controlPlane.provisionedEnvFreed(f, version.pool, version.memoryMb);
      } else {
        this.c.provisionedBusy--; // its function was deleted: the environment went with it
      }
      return;
    }
    if (warm && (request.envKind === EnvKind.Latest || version !== null)) envs.release(request.envId, now);
    else envs.destroyBusy(request.envId, now);
    this.outcomes.releaseConcurrency(f);
  }
}

const runtimeFamilyOf = (runtime: string): string => /^[a-z]*/.exec(runtime)![0];
