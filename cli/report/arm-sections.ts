// The order in which a report lists arms: the arms others are measured against first, then
// every sweep template's arms together (in the order the template first appears), with the
// ungrouped arms in the order of the experiment. Tables and charts share this order, so an
// arm keeps its place (and colour) everywhere.
import type { ReportColumn, ReportTable } from './report-table.js';

export interface ArmSection {
  /** `baselines`, the group (template) name, or null for arms in no group. */
  title: string | null;
  kind: 'baselines' | 'group' | 'arms';
  columns: ReportColumn[];
}

/** Arms that some other arm's Delta is measured against. */
export function baselineArms(table: ReportTable): Set<string> {
  const names = new Set<string>();
  for (const col of table.columns) {
    if (col.baseline && col.baseline.arm !== col.arm) names.add(col.baseline.arm);
  }
  return names;
}

/** The arms in report order, split into sections (baselines, then groups and ungrouped runs). */
export function armSections(table: ReportTable): ArmSection[] {
  const baselines = baselineArms(table);
  const sections: ArmSection[] = [];
  const first = table.columns.filter((c) => baselines.has(c.arm));
  if (first.length > 0) sections.push({ title: first.length === 1 ? 'baseline' : 'baselines', kind: 'baselines', columns: first });
  const byGroup = new Map<string, ArmSection>();
  let ungrouped: ArmSection | null = null;
  for (const col of table.columns) {
    if (baselines.has(col.arm)) continue;
    if (col.group === null) {
      // Consecutive ungrouped arms share one section; a group in between starts a new one.
      if (!ungrouped) sections.push((ungrouped = { title: null, kind: 'arms', columns: [] }));
      ungrouped.columns.push(col);
      continue;
    }
    ungrouped = null;
    let section = byGroup.get(col.group);
    if (!section) {
      section = { title: col.group, kind: 'group', columns: [] };
      byGroup.set(col.group, section);
      sections.push(section);
    }
    section.columns.push(col);
  }
  return sections;
}

/** The arms in report order (baselines first, groups together). */
export function orderedColumns(table: ReportTable): ReportColumn[] {
  return armSections(table).flatMap((s) => s.columns);
}
