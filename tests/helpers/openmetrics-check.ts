/**
 * A strict reader of OpenMetrics text for tests: it returns the problems it
 * finds against the rules the backfill depends on (OpenMetrics 1.0): TYPE,
 * UNIT and HELP before a family's samples, families not interleaved, each
 * series' points together (metrics not interleaved), timestamps increasing
 * per series, counters' samples ending in _total, `# EOF` last.
 */

export interface ParsedFamily {
  name: string;
  type: string;
  unit: string | null;
  help: string | null;
  /** Sample lines: name, labels (as written), value, timestamp. */
  samples: { name: string; labels: string; value: number; timestamp: number }[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)(?: (\S+))?$/;
const SUFFIXES: Record<string, string[]> = {
  counter: ["_total", "_created"],
  gauge: [""],
  histogram: ["_bucket", "_count", "_sum", "_created"],
  info: ["_info"],
};

export function parseOpenMetrics(text: string): { families: ParsedFamily[]; problems: string[] } {
  const problems: string[] = [];
  const families: ParsedFamily[] = [];
  const seenFamilies = new Set<string>();
  const lines = text.split("\n");
  if (lines[lines.length - 1] !== "") problems.push("the text does not end with a line feed");
  if (lines[lines.length - 2] !== "# EOF") problems.push("the last line is not # EOF");
  let current: ParsedFamily | null = null;
  let finishedMetrics = new Set<string>();
  let currentMetric: string | null = null;
  const lastTime = new Map<string, number>();
  for (let i = 0; i < lines.length - 2; i++) {
    const line = lines[i];
    const at = `line ${i + 1}`;
    if (line.startsWith("# ")) {
      const [, kind, name, ...rest] = line.split(" ");
      const value = rest.join(" ");
      if (kind === "TYPE") {
        if (seenFamilies.has(name)) problems.push(`${at}: family ${name} appears twice (interleaved)`);
        seenFamilies.add(name);
        current = { name, type: value, unit: null, help: null, samples: [] };
        families.push(current);
        finishedMetrics = new Set();
        currentMetric = null;
      } else if (kind === "UNIT" || kind === "HELP") {
        if (current === null || current.name !== name || current.samples.length > 0)
          problems.push(`${at}: ${kind} of ${name} is not right after its TYPE`);
        else if (kind === "UNIT") {
          current.unit = value;
          if (!name.endsWith(`_${value}`)) problems.push(`${at}: ${name} does not end in its unit ${value}`);
        } else current.help = value;
      } else problems.push(`${at}: unexpected comment line`);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (m === null) {
      problems.push(`${at}: not a sample line: ${line}`);
      continue;
    }
    const [, name, labels = "", valueText, tsText] = m;
    if (current === null) {
      problems.push(`${at}: sample before any TYPE`);
      continue;
    }
    const suffix = name.startsWith(current.name) ? name.slice(current.name.length) : null;
    if (suffix === null || !(SUFFIXES[current.type] ?? [""]).includes(suffix))
      problems.push(`${at}: ${name} does not belong to the ${current.type} family ${current.name}`);
    // The metric: its labels without le (a histogram's point spans several lines).
    const metric = labels.replace(/,?le="[^"]*"/, "");
    if (metric !== currentMetric) {
      if (currentMetric !== null) finishedMetrics.add(currentMetric);
      if (finishedMetrics.has(metric)) problems.push(`${at}: metric ${current.name}${metric} interleaved`);
      currentMetric = metric;
    }
    const value = Number(valueText);
    const timestamp = Number(tsText);
    if (tsText === undefined || !Number.isFinite(timestamp)) problems.push(`${at}: no timestamp`);
    const key = `${name}${labels}`;
    const prev = lastTime.get(key);
    if (prev !== undefined && !(timestamp > prev))
      problems.push(`${at}: ${key} timestamp ${tsText} is not after ${prev}`);
    lastTime.set(key, timestamp);
    current.samples.push({ name, labels, value, timestamp });
  }
  return { families, problems };
}
