export declare const LOW_RATE_LIMIT: number;
export declare function lowRateColdProbability(
  rate: number,
  warmS: number,
  coldS: number,
  keepAliveS: number,
): number;
