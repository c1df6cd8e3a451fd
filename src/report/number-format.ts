/**
 * How numbers read, in the terminal and in the HTML pages alike: one
 * formatter with significant digits, durations in one unit, and the unit
 * rule of a metric (a ratio in percent where its threshold is written in
 * percent). The HTML page's script embeds these very functions
 * (html-page.ts), so a chart's ticks and legend read as the tables do.
 *
 * Every function here is self-contained (it calls only functions of this
 * file, no import, no module constant), so that its source text runs as it
 * is in the browser.
 */

/**
 * A number with `digits` significant digits: 0.0025 -> "0.0025", 550 ->
 * "550", 0.00012 -> "0.00012", 1234567 -> "1234567" (integers and values
 * past `digits` digits stay whole). A value that is not 0 never reads "0".
 */
export function formatSignificant(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= Math.pow(10, digits) && a < 1e21) return String(Math.round(v));
  if (Number.isInteger(v) && a < 1e21) return String(v);
  const rounded = Number(v.toPrecision(digits));
  if (Math.abs(rounded) >= 1e-6) return String(rounded);
  // Very small: "1.234e-7", without the "+" or trailing zeros.
  const [mantissa, exponent] = rounded.toExponential(digits - 1).split("e");
  return `${mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa}e${exponent}`;
}

/**
 * A duration given in seconds, human-friendly with three significant digits:
 * "850µs", "1.23ms", "74.8s", "2.50m", "5.20h", "14.0d".
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return `-${formatSeconds(-seconds)}`;
  if (seconds === 0) return "0s";
  const units: [number, string, number][] = [
    [1e-3, "µs", 1e-6],
    [1, "ms", 1e-3],
    [120, "s", 1],
    [7200, "m", 60],
    [172_800, "h", 3600],
  ];
  let unit = "d";
  let scale = 86_400;
  for (const [below, u, s] of units) {
    if (seconds < below) {
      unit = u;
      scale = s;
      break;
    }
  }
  const x = seconds / scale;
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}${unit}`;
}

/** Whether a threshold's text writes its value in percent ("invocations.throttle_rate < 0.1%"). */
export function writtenInPercent(thresholdText: string): boolean {
  return /\d%\s*$/.test(thresholdText);
}

/** How a metric's values read: durations, a percentage, or a plain number (counts, ratios). */
export type ValueStyle = "duration" | "percent" | "number";

/**
 * The one unit rule of a metric: seconds as durations; a ratio in percent
 * when a threshold on it is written in percent, else as a ratio; anything
 * else as a plain number. `thresholds`: the texts of the thresholds on it.
 */
export function valueStyle(unit: string, thresholds: string | readonly string[] = []): ValueStyle {
  if (unit === "seconds") return "duration";
  const texts = typeof thresholds === "string" ? [thresholds] : thresholds;
  if (unit === "ratio" && texts.some((t) => writtenInPercent(t))) return "percent";
  return "number";
}

/** A value of a metric in its style: "74.8s", "0.02528%", "0.0002528", "550". */
export function formatStyled(v: number, style: ValueStyle): string {
  if (style === "duration") return formatSeconds(v);
  if (style === "percent") return `${formatSignificant(v * 100)}%`;
  return formatSignificant(v);
}

/**
 * The step between two neighbouring ticks as a count of decimals: 0.0025
 * -> 4, 0.5 -> 1, 20 -> 0. Enough to tell every tick of that step apart.
 */
export function stepDecimals(step: number): number {
  for (let d = 0; d < 20; d++) {
    const scaled = Math.abs(step) * Math.pow(10, d);
    if (Math.abs(Math.round(scaled) - scaled) <= 1e-9 * Math.max(1, scaled)) return d;
  }
  return 20;
}

/** "5.000" -> "5", "0.0250" -> "0.025", "-0" -> "0". */
export function trimDecimals(text: string): string {
  const t = text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  return /^-0(\.0*)?$/.test(t) ? "0" : t;
}

/**
 * Labels of the ticks of a number axis `step` apart, all in one scale (k or
 * M when the largest tick is past 10,000) and with as many decimals as the
 * step needs: [0, 0.0025, 0.005] -> ["0", "0.0025", "0.005"].
 */
export function numberTicks(ticks: readonly number[], step: number): string[] {
  const largest = Math.max(0, ...ticks.map((t) => Math.abs(t)));
  const [scale, suffix] = largest >= 1e6 ? [1e6, "M"] : largest >= 1e4 ? [1e3, "k"] : [1, ""];
  const decimals = stepDecimals(step / scale);
  return ticks.map((t) => {
    const text = trimDecimals((t / scale).toFixed(decimals));
    return text === "0" ? "0" : `${text}${suffix}`;
  });
}

/**
 * Labels of the ticks of a time or duration axis `step` seconds apart, all
 * in one unit: the largest of µs, ms, s, m, h, d not longer than the step
 * (ticks 30 s apart read "0s 30s 60s 90s 120s", never "60s 2m").
 */
export function durationTicks(ticks: readonly number[], step: number): string[] {
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
    ["ms", 1e-3],
    ["µs", 1e-6],
  ];
  let chosen = units[units.length - 1];
  for (const u of units) {
    if (u[1] <= Math.abs(step) * (1 + 1e-9)) {
      chosen = u;
      break;
    }
  }
  const decimals = stepDecimals(step / chosen[1]);
  return ticks.map((t) => `${trimDecimals((t / chosen[1]).toFixed(decimals))}${chosen[0]}`);
}
