/** Measures of functions: how many are in each State and LastUpdateStatus, created, deleted, versions published. */
import { LAST_UPDATE_STATUS_NAMES, STATE_NAMES } from "../model/aws-names.js";
import type { Sample } from "../model/run.js";
import { labelled, names, perTemplate, byTemplate } from "./label-series.js";
import { type Measure, type ReportMetric, scalarMeasure } from "./measure.js";
import type { Report } from "./report-shape.js";

const STATE_LIST = STATE_NAMES.map((st) => [st]);
const STATE_COUNT = STATE_NAMES.length;

export const FUNCTION_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_functions",
      type: "gauge",
      help: "Functions by State (Pending, Active, Inactive, Failed) and function template. With --metrics-function-labels, also by function: each labelled function has 1 on the State it is in and 0 on the others, and the other functions count under function=other.",
      labels: ["state", "template"],
      series: byTemplate(STATE_LIST),
      values: (s, ctx) => perTemplate(STATE_COUNT, ctx, (st, t) => s.statesByTemplate[t * STATE_COUNT + st]),
      byFunction: {
        other: (s, ctx) =>
          perTemplate(STATE_COUNT, ctx, (st, t) => labelled(s).otherStates[t * STATE_COUNT + st]),
        functions: (s, ctx) => {
          const f = labelled(s);
          return {
            series: f.names.flatMap((name, i) =>
              STATE_NAMES.map((st) => [st, ctx.templates[f.templates[i]], name]),
            ),
            values: f.states.flatMap((state) => STATE_NAMES.map((_, st) => (state === st ? 1 : 0))),
          };
        },
      },
    },
    named: STATE_NAMES.map((state, i): ReportMetric => ({
      name: `functions.${state.toLowerCase()}`,
      family: "functions.<state>",
      unit: "count",
      description: "Functions in this State at the end (at the sample point during the run).",
      fromReport: (r: Report) => r.functions.byState[state],
      fromSample: (s: Sample) => s.states[i],
    })),
  },
  {
    family: {
      name: "fleetsim_functions_last_update_status",
      type: "gauge",
      help: "Functions by LastUpdateStatus (None: never updated, InProgress, Successful, Failed).",
      labels: ["last_update_status"],
      series: names(LAST_UPDATE_STATUS_NAMES),
      values: (s) => [...s.lastUpdateStatus],
    },
    named: [
      {
        name: "functions.last_update_failed",
        family: "functions.last_update_failed",
        unit: "count",
        description: "Functions whose LastUpdateStatus is Failed at the end.",
        fromReport: (r) => r.functions.byLastUpdateStatus.Failed,
        fromSample: (s) => s.lastUpdateStatus[LAST_UPDATE_STATUS_NAMES.indexOf("Failed")],
      },
    ],
  },
  scalarMeasure({
    family: "fleetsim_functions_created_total",
    type: "counter",
    help: "Functions created by a successful CreateFunction.",
    name: "functions.created",
    unit: "count",
    description: "Functions created during the run.",
    fromReport: (r) => r.functions.created,
    fromSample: (s) => s.counters.created,
  }),
  scalarMeasure({
    family: "fleetsim_functions_deleted_total",
    type: "counter",
    help: "Functions deleted by a successful DeleteFunction.",
    name: "functions.deleted",
    unit: "count",
    description: "Functions deleted during the run.",
    fromReport: (r) => r.functions.deleted,
    fromSample: (s) => s.counters.deleted,
  }),
  scalarMeasure({
    family: "fleetsim_versions_published_total",
    type: "counter",
    help: "Versions published by a successful PublishVersion.",
    name: "functions.versions_published",
    unit: "count",
    description: "Versions published during the run.",
    fromReport: (r) => r.functions.versionsPublished,
    fromSample: (s) => s.counters.versionsPublished,
  }),
];
