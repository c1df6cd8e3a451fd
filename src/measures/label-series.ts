/**
 * Small readers the catalogue's sections share: label-value lists, the
 * series order of templated families, a histogram's bounds in seconds, and
 * the names our words take in metric names.
 */
import { TEMPLATE_HIST_INDEX } from "../model/observations.js";
import type { Sample } from "../model/run.js";
import { HIST_BUCKET_BOUNDS_US } from "../model/sampling.js";
import type { MetricsContext } from "./measure.js";

/** The series of an unlabelled family. */
export const one = (): string[][] => [[]];
/** One series per name, labelled with it. */
export const names = (list: readonly string[]) => (): string[][] => list.map((n) => [n]);
/** Bucket bounds of Hist `h`, in seconds. */
export const boundsS = (h: number): number[] => HIST_BUCKET_BOUNDS_US[h].map((us) => us / 1e6);

/** Each of `first`'s label-value lists crossed with each template: the series order of templated families. */
export const byTemplate =
  (first: readonly (readonly string[])[]) =>
  (ctx: MetricsContext): string[][] =>
    first.flatMap((v) => ctx.templates.map((t) => [...v, t]));

/** Values of `byTemplate` series: `read(i, t)` of each first-list entry i and template t. */
export const perTemplate = (
  count: number,
  ctx: MetricsContext,
  read: (i: number, t: number) => number,
): number[] => {
  const out: number[] = [];
  for (let i = 0; i < count; i++) for (let t = 0; t < ctx.templates.length; t++) out.push(read(i, t));
  return out;
};

/** The sample's labelled functions: `byFunction` is only read with function labels on, when every sample has them. */
export const labelled = (s: Sample): NonNullable<Sample["functions"]> => {
  if (s.functions === null)
    throw new Error("a sample without labelled functions, but function labels are on");
  return s.functions;
};

/** A templated histogram of each template, by TEMPLATE_HISTS position of `h`. */
export const templateHistograms = (s: Sample, h: number, templates: number): Sample["histograms"] =>
  Array.from({ length: templates }, (_, t) => s.templateHistograms[TEMPLATE_HIST_INDEX[h] * templates + t]);

/** "accountConcurrency" -> "account_concurrency"; AWS names are not passed through this. */
export const snakeCase = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** a / b, 0 when b is 0. */
export const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Sum of a list. */
export const sum = (xs: readonly number[]): number => xs.reduce((n, x) => n + x, 0);
