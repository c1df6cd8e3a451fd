import type { RandomStreams } from "../engine/random-streams.js";
import type { Distribution } from "./plan.js";

/** z of the standard normal's 99th percentile. */
const Z99 = 2.3263478740408408;

/**
 * Draws a duration in integer microseconds from `d`, using the stream of
 * `entity`. Each kind uses a fixed number of draws, so a run stays
 * reproducible.
 */
export function sampleUs(d: Distribution, rng: RandomStreams, entity: number): number {
  switch (d.kind) {
    case "constant":
      return d.valueUs;
    case "uniform":
      return Math.round(d.minUs + rng.next(entity) * (d.maxUs - d.minUs));
    case "exponential":
      return Math.round(-Math.log(rng.nextOpen(entity)) * d.meanUs);
    case "lognormal": {
      const sigma = Math.log(d.p99Us / d.medianUs) / Z99;
      return Math.round(d.medianUs * Math.exp(sigma * standardNormal(rng, entity)));
    }
    case "empirical":
      return empiricalQuantile(d.points, rng.next(entity) * 100);
  }
}

/** Box-Muller with two uniforms; one normal per call keeps the draw count fixed. */
function standardNormal(rng: RandomStreams, entity: number): number {
  const u1 = rng.nextOpen(entity);
  const u2 = rng.next(entity);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function empiricalQuantile(points: { p: number; valueUs: number }[], p: number): number {
  if (p <= points[0].p) return points[0].valueUs;
  for (let i = 1; i < points.length; i++) {
    const hi = points[i];
    if (p <= hi.p) {
      const lo = points[i - 1];
      const f = hi.p === lo.p ? 1 : (p - lo.p) / (hi.p - lo.p);
      return Math.round(lo.valueUs + f * (hi.valueUs - lo.valueUs));
    }
  }
  return points[points.length - 1].valueUs;
}

/** Mean of a distribution, in microseconds (used by capacity checks and docs). */
export function meanUs(d: Distribution): number {
  switch (d.kind) {
    case "constant":
      return d.valueUs;
    case "uniform":
      return (d.minUs + d.maxUs) / 2;
    case "exponential":
      return d.meanUs;
    case "lognormal": {
      const sigma = Math.log(d.p99Us / d.medianUs) / Z99;
      return d.medianUs * Math.exp((sigma * sigma) / 2);
    }
    case "empirical": {
      let sum = 0;
      const pts = d.points;
      for (let i = 1; i < pts.length; i++) {
        sum += ((pts[i].p - pts[i - 1].p) / 100) * ((pts[i].valueUs + pts[i - 1].valueUs) / 2);
      }
      return (
        sum +
        (pts[0].p / 100) * pts[0].valueUs +
        ((100 - pts[pts.length - 1].p) / 100) * pts[pts.length - 1].valueUs
      );
    }
  }
}
