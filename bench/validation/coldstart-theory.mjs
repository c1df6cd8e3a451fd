// The cold-start probability of one function with a fixed keep-alive, from
// first principles (docs/validation.md, "The low-rate formula"): used beside
// the simulator by bench/validation.mjs and tests/validation-family.test.ts.

/** Arrival rates up to which the formula is shown: λ·s ≤ 0.02, at most one arrival in 50 finds the function busy. */
export const LOW_RATE_LIMIT = 0.01;

/**
 * P(cold) for Poisson arrivals at `rate` per second, warm and cold service
 * times `warmS` and `coldS` (init plus handler), keep-alive `keepAliveS`, most
 * recently used routing. Valid while rate·warmS is small: it drops the
 * O((rate·warmS)²) terms (three requests at once, and warm reuse after more
 * than one earlier overlap).
 */
export function lowRateColdProbability(rate, warmS, coldS, keepAliveS) {
  // The previous request's environment is idle at most K when the gap G (exponential) lies in [S, S + K].
  const a = Math.exp(-rate * (keepAliveS + warmS));
  const b = Math.exp(-rate * (keepAliveS + coldS));
  // p = (1 − p)·a + p·b: the previous request was cold with probability p and then held its environment longer.
  const gapCold = a / (1 + a - b);
  // A request arriving while the previous one runs needs a second environment.
  const overlap = (1 - gapCold) * (1 - Math.exp(-rate * warmS)) + gapCold * (1 - Math.exp(-rate * coldS));
  // That one is warm only if an earlier overlap (at rate λ·overlap) left it within the keep-alive.
  return gapCold + overlap * Math.exp(-rate * overlap * keepAliveS);
}
