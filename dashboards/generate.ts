/**
 * The dashboards as Grafana JSON, generated from TypeScript with the Grafana
 * Foundation SDK. The JSON files beside this one are committed;
 * tests/metrics-dashboards.test.ts fails when they differ from what this
 * produces. To write them again:
 *
 *     FLEET_SIM_WRITE_DASHBOARDS=1 npx vitest run tests/metrics-dashboards.test.ts
 */
import { capacityPlanning } from "./capacity-planning.js";
import { fleetOverview } from "./fleet-overview.js";
import { invocationSide } from "./invocation-side.js";

/** File name (in dashboards/) and JSON text of each dashboard. */
export function generateDashboards(): { file: string; json: string }[] {
  return [
    { file: "fleet-overview.json", json: toJson(fleetOverview()) },
    { file: "capacity-planning.json", json: toJson(capacityPlanning()) },
    { file: "invocation-side.json", json: toJson(invocationSide()) },
  ];
}

function toJson(d: unknown): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
