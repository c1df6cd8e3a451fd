// The bench's reference: a bare typed-array binary-heap event loop, the
// physical limit of an event loop on this machine. Run in this thread, or in
// several threads at once (what this machine's cores give work that shares
// nothing), for comparison with the simulator's worker threads.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/** The reference: pop the earliest of `pending` events and push one later event, `events` times. */
export function bareHeapLoop(pending, events) {
  let cap = 1;
  while (cap < pending + 2) cap *= 2;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  let n = 0;
  let nextSeq = 0;
  let x = 0x2545f491;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const push = (t) => {
    const s = nextSeq++;
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] < t || (time[p] === t && seq[p] < s)) break;
      time[i] = time[p];
      seq[i] = seq[p];
      i = p;
    }
    time[i] = t;
    seq[i] = s;
  };
  const pop = () => {
    const top = time[0];
    const t = time[--n];
    const s = seq[n];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      if (c + 1 < n && (time[c + 1] < time[c] || (time[c + 1] === time[c] && seq[c + 1] < seq[c]))) c++;
      if (t < time[c] || (t === time[c] && s < seq[c])) break;
      time[i] = time[c];
      seq[i] = seq[c];
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    return top;
  };
  for (let i = 0; i < pending; i++) push(rnd() * 1e6);
  const t0 = performance.now();
  for (let e = 0; e < events; e++) {
    const now = pop();
    push(now + rnd() * 1e6);
  }
  return events / ((performance.now() - t0) / 1000);
}

/** Events per second of `threads` bare loops started together, summed (each `events` long). */
export async function bareHeapLoopThreads(threads, pending, events) {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL(import.meta.url), { workerData: { pending, events, gate } }),
  );
  const ready = workers.map((w) => new Promise((resolve) => w.once("message", resolve)));
  await Promise.all(ready);
  const done = workers.map((w) => new Promise((resolve) => w.once("message", resolve)));
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  const rates = await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  return rates.reduce((a, b) => a + b, 0);
}

if (!isMainThread && workerData?.gate) {
  const { pending, events, gate } = workerData;
  parentPort.postMessage("ready");
  Atomics.wait(gate, 0, 0);
  parentPort.postMessage(bareHeapLoop(pending, events));
}
