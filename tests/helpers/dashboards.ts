/** Reads the queries out of a dashboard's JSON: every target of every panel, rows' panels included. */

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  datasource: unknown;
}

interface PanelJson {
  title?: string;
  type?: string;
  panels?: PanelJson[];
  targets?: { expr?: string; refId?: string; datasource?: unknown }[];
}

export function dashboardQueries(json: string): DashboardQuery[] {
  const d = JSON.parse(json) as { title: string; panels?: PanelJson[] };
  const out: DashboardQuery[] = [];
  const visit = (panels: PanelJson[] | undefined) => {
    for (const p of panels ?? []) {
      visit(p.panels);
      for (const t of p.targets ?? []) {
        if (t.expr === undefined) continue;
        out.push({
          dashboard: d.title,
          panel: p.title ?? "",
          refId: t.refId ?? "",
          expr: t.expr,
          datasource: t.datasource,
        });
      }
    }
  };
  visit(d.panels);
  return out;
}
