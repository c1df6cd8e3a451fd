/**
 * Text of the exposition formats: numbers, `le` bounds, label values, help
 * text and timestamps, as the Prometheus text format and OpenMetrics 1.0
 * want them.
 */

/** A sample value: integers without a decimal point, other numbers in JavaScript's shortest form. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

/**
 * A histogram bound in OpenMetrics' canonical form (Go's %g, with ".0" when
 * there is neither a point nor an exponent): 0.005, 1.0, 60.0, 1e+06.
 */
export function formatBound(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  if (v === 0) return "0.0";
  const [mantissa, expText] = v.toExponential().split("e");
  const exp = Number(expText);
  let text: string;
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, "0");
    text = `${mantissa}e${exp < 0 ? "-" : "+"}${digits}`;
  } else {
    text = String(v);
  }
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A label value inside double quotes: backslash, double quote and line feed escaped. */
export function escapeLabelValue(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text for OpenMetrics: backslash, double quote and line feed escaped. */
export function escapeHelp(s: string): string {
  return escapeLabelValue(s);
}

/** `{a="x",b="y"}`, or "" without labels. */
export function formatLabels(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  const parts = names.map((n, i) => `${n}="${escapeLabelValue(values[i])}"`);
  return `{${parts.join(",")}}`;
}

/** A timestamp in seconds with millisecond precision, from milliseconds since the epoch. */
export function formatTimestampMs(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = ms - whole * 1000;
  return `${whole}.${String(frac).padStart(3, "0")}`;
}
