/**
 * Reads the queries out of a dashboard's JSON: every target of every panel,
 * those of collapsed rows (panels nested in the row's `panels`) included,
 * and the PromQL of every annotation (its `panel` is `annotation: <name>`).
 */

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  datasource: unknown;
}

export interface PanelJson {
  title?: string;
  type?: string;
  collapsed?: boolean;
  panels?: PanelJson[];
  targets?: { expr?: string; refId?: string; datasource?: unknown }[];
}

interface AnnotationJson {
  name?: string;
  expr?: string;
  datasource?: unknown;
}

export interface DashboardJson {
  title: string;
  panels?: PanelJson[];
  annotations?: { list?: AnnotationJson[] };
}

export function dashboardQueries(json: string): DashboardQuery[] {
  const d = JSON.parse(json) as DashboardJson;
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
  for (const a of d.annotations?.list ?? []) {
    if (a.expr === undefined) continue;
    out.push({
      dashboard: d.title,
      panel: `annotation: ${a.name ?? ""}`,
      refId: "",
      expr: a.expr,
      datasource: a.datasource,
    });
  }
  return out;
}

/** The panels of a dashboard, those inside rows included, with the row each is in (`null` before the first). */
export function dashboardPanels(json: string): (PanelJson & { row: string | null })[] {
  const d = JSON.parse(json) as DashboardJson;
  const out: (PanelJson & { row: string | null })[] = [];
  let row: string | null = null;
  for (const p of d.panels ?? []) {
    if (p.type === "row") {
      row = p.title ?? "";
      for (const q of p.panels ?? []) out.push({ ...q, row });
      continue;
    }
    out.push({ ...p, row });
  }
  return out;
}
