#!/usr/bin/env node
// The cost of one round's synchronisation, measured two ways:
//   1. the primitive: the coordinator's thread wakes N threads with Atomics.notify
//      and sleeps until all have counted down (no work in between);
//   2. the real runner: quickstart (about 16,000 small rounds) with N workers,
//      less the same run on one thread, per round.
//   node bench/sync.mjs        (needs `npm run build` first)
import { setTimeout } from "node:timers/promises";
import { isMainThread, Worker, workerData } from "node:worker_threads";

if (!isMainThread) {
  const ctl = new Int32Array(workerData.sab);
  let seen = 0;
  for (;;) {
    while (Atomics.load(ctl, 0) === seen) Atomics.wait(ctl, 0, seen, 1000);
    seen = Atomics.load(ctl, 0);
    if (Atomics.load(ctl, 2) === 1) break;
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
} else {
  const { runPlan, runPlanAsync } = await import("../dist/model/run.js");
  const { loadScenarioFile } = await import("../dist/scenario/load.js");

  async function primitive(threads, rounds = 20000) {
    const sab = new SharedArrayBuffer(64);
    const ctl = new Int32Array(sab);
    const ws = Array.from(
      { length: threads },
      () => new Worker(new URL(import.meta.url), { workerData: { sab } }),
    );
    await setTimeout(300);
    let seq = 0;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      Atomics.store(ctl, 1, 0);
      Atomics.store(ctl, 0, ++seq);
      Atomics.notify(ctl, 0);
      for (;;) {
        const d = Atomics.load(ctl, 1);
        if (d >= threads) break;
        Atomics.wait(ctl, 1, d, 100);
      }
    }
    const us = ((performance.now() - t0) / rounds) * 1000;
    Atomics.store(ctl, 2, 1);
    Atomics.store(ctl, 0, seq + 1);
    Atomics.notify(ctl, 0);
    await Promise.all(ws.map((w) => new Promise((r) => w.on("exit", r))));
    return us;
  }

  const results = {};
  for (const n of [1, 2]) {
    results[`primitive-${n}`] = await primitive(n);
    console.log(`Atomics round trip, ${n} thread(s): ${results[`primitive-${n}`].toFixed(1)} us`);
  }
  const plan = loadScenarioFile(new URL("../scenarios/quickstart.yaml", import.meta.url).pathname);
  const one = runPlan(plan, { partitions: 8 });
  for (const n of [1, 2]) {
    const out = await runPlanAsync(plan, { partitions: 8, workers: n });
    const perRoundUs = ((out.wallMs - one.wallMs) / out.kernel.rounds) * 1000;
    results[`runner-${n}`] = perRoundUs;
    console.log(
      `runner overhead per round, ${n} worker(s): ${perRoundUs.toFixed(1)} us (${out.kernel.rounds} rounds)`,
    );
  }
}
