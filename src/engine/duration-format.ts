/** Simulated durations for people: "1m30s", "250ms", "3d4h". */
const MS_PER_S = 1_000;
const MS_PER_M = 60 * MS_PER_S;
const MS_PER_H = 60 * MS_PER_M;
const MS_PER_D = 24 * MS_PER_H;

/**
 * Compact human form: "250us", "1.5ms", "250ms", "1m30s", "2h", "14d".
 * From one second up it is exact to the millisecond; parseDurationUs reads it back.
 */
export function formatDurationUs(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (us < 0) return "-" + formatDurationUs(-us);
  if (us === 0) return "0s";
  if (us < 1_000) return `${Math.round(us)}us`;
  if (us < 999_999.5) return `${trimDecimals(us / 1_000, 3)}ms`;
  let ms = Math.round(us / 1_000);
  let out = "";
  for (const [unit, size] of [
    ["d", MS_PER_D],
    ["h", MS_PER_H],
    ["m", MS_PER_M],
  ] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  if (ms > 0) out += `${trimDecimals(ms / MS_PER_S, 3)}s`;
  return out;
}

function trimDecimals(x: number, digits: number): string {
  return String(Number(x.toFixed(digits)));
}
