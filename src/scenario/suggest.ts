/** "Did you mean" help for misspelt names in scenario files. */

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidate closest to `name` within edit distance 2, if any (first one on ties). */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  // A bound on the work: a guess among the first names is as good a hint.
  for (const candidate of candidates.length > MAX_COMPARED ? candidates.slice(0, MAX_COMPARED) : candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance && d < Math.max(name.length, candidate.length)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

const MAX_LISTED = 20;
const MAX_COMPARED = 10_000;

/** "expected one of: a, b, c (did you mean 'b'?)" */
export function expectedOneOf(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return "none are declared";
  const guess = closest(name, candidates);
  const shown =
    candidates.length <= MAX_LISTED
      ? candidates.join(", ")
      : `${candidates.slice(0, MAX_LISTED).join(", ")}, ... (${candidates.length} in all)`;
  return `expected one of: ${shown}` + (guess === undefined ? "" : ` (did you mean '${guess}'?)`);
}

/** The message for a name that refers to nothing: "unknown subnet 'x', expected one of: ...". */
export function unknownName(what: string, name: string, candidates: readonly string[]): string {
  const shown = name.length <= 60 ? name : `${name.slice(0, 60)}... (${name.length} characters)`;
  return `unknown ${what} '${shown}', ${expectedOneOf(name.slice(0, 100), candidates)}`;
}
