// `writeReport(runDir)`: everything `mfx report` writes into a run folder, callable by
// `mfx run` at the end of a run. Returns the files written and the notes; throws UserError
// when the folder has no usable results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { compileForBrowser, renderSvg, svgToPng } from './chart-render.js';
import { accuracyChartSpec, deltaChartSpec, epochAccuracyChartSpec, HIDDEN_SIGNAL, lossChartSpec } from './chart-specs.js';
import { epochAccuracy } from './epoch-accuracy.js';
import { renderHtml } from './html-writer.js';
import { lossCurves } from './loss-curves.js';
import { renderMarkdown } from './markdown-writer.js';
import { buildReportDocument, type ReportFigure } from './report-content.js';
import { buildReportTable } from './report-table.js';
import { baselineAgreements, headSumAgreements } from './agreement.js';
import { agreementChartSpec } from './agreement-section.js';
import { readRunFolder } from './read-run-folder.js';
import { GRID_SIDE, pngAsSvg, sampleGrids } from './sample-grids.js';

export const REPORT_FILES = { markdown: 'report.md', html: 'report.html', charts: 'charts' } as const;

export interface WriteReportOptions {
  /** Also write PNG copies of the charts (default true; `--no-png`). */
  png?: boolean;
  /** Load the dataset to draw sample grids of each test set (default true). */
  samples?: boolean;
  /** Where to write report.md, report.html and charts/ (default: the run folder itself). */
  outDir?: string;
}

export interface WrittenReport {
  /** Absolute or runDir-relative paths of every file written. */
  files: string[];
  /** What the report could not include and why (also listed in the report itself). */
  notes: string[];
}

/** Writes report.md, report.html and charts/ into a run folder (or `outDir`). */
export async function writeReport(runDir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const withPng = options.png ?? true;
  const folder = readRunFolder(runDir);
  const { results, plan } = folder;
  const notes = [...folder.notes];
  const table = buildReportTable(results);
  const outDir = options.outDir ?? runDir;
  const chartsDir = join(outDir, REPORT_FILES.charts);
  mkdirSync(chartsDir, { recursive: true });
  const files: string[] = [];

  const write = (name: string, data: string | Buffer): string => {
    const path = join(chartsDir, name);
    writeFileSync(path, data);
    files.push(path);
    return `${REPORT_FILES.charts}/${name}`;
  };

  const chart = async (name: string, caption: string, spec: TopLevelSpec): Promise<ReportFigure> => {
    const svg = await renderSvg(spec);
    const svgFile = write(`${name}.svg`, svg);
    const pngFile = withPng ? write(`${name}.png`, svgToPng(svg)) : null;
    return { caption, file: pngFile ?? svgFile, svg, vega: compileForBrowser(spec, HIDDEN_SIGNAL) };
  };

  const charts: ReportFigure[] = [];
  charts.push(await chart('accuracy', 'Accuracy per test set, grouped by arm', accuracyChartSpec(table, 'Accuracy per test set')));
  const deltaSpec = deltaChartSpec(table, 'Delta against the baseline');
  if (deltaSpec) charts.push(await chart('delta', 'Delta per test set and arm (percentage points)', deltaSpec));
  else if (table.columns.some((c) => c.baseline)) notes.push('No Delta chart: no arm has a seed evaluated on both its own side and its baseline\'s.');
  else notes.push('No Delta chart: no arm has a baseline.');
  const lossSpec = lossChartSpec(lossCurves(folder.epochEnds, plan), 'Training loss', table);
  if (lossSpec) charts.push(await chart('loss', 'Training loss per epoch and arm, mean over seeds', lossSpec));
  else if (folder.epochEnds.length === 0 && !notes.some((n) => n.includes('events.jsonl'))) notes.push('No training-loss chart: events.jsonl has no epoch-end events.');
  const epochSpec = epochAccuracyChartSpec(epochAccuracy(results.evals), 'Accuracy per epoch', table);
  if (epochSpec) charts.push(await chart('epochs', 'Accuracy after every scored epoch (`select`: validation split; `every epoch`: test sets), per arm, mean over seeds; arms that share their pretraining draw over each other there', epochSpec));

  const agreed = baselineAgreements(runDir, results, table);
  notes.push(...agreed.notes);
  const heads = headSumAgreements(runDir, results, plan, table.testSets);
  notes.push(...heads.notes);
  const agreementSpec = agreementChartSpec([...agreed.pairs, ...heads.pairs], 'Images only one side gets right');
  const agreementCaption =
    heads.pairs.length > 0
      ? 'Per test set, the images only A (an arm, or a sum of heads) or only B (its baseline, or one of those heads alone) classifies correctly, and those neither does'
      : 'Per test set, the images only the arm (A) or only its baseline (B) classifies correctly, and those neither does';
  const agreementChart = agreementSpec ? await chart('agreement', agreementCaption, agreementSpec) : null;

  const samples: ReportFigure[] = [];
  if (options.samples ?? true) {
    if (!plan) notes.push('No sample images: plan.json is missing, so the dataset is unknown.');
    else {
      const got = await sampleGrids(plan, table.testSets);
      notes.push(...got.notes);
      for (const g of got.grids) {
        const base = `samples-${g.testSet}`;
        const caption = `\`${g.testSet}\``;
        write(`${base}.svg`, pngAsSvg(g.png, g.width, g.height, g.testSet));
        samples.push({ caption, file: write(`${base}.png`, g.png), png: g.png });
      }
    }
  }

  const doc = buildReportDocument({ results, planHash: results.planHash, table, charts, agreement: { pairs: agreed.pairs, headPairs: heads.pairs, chart: agreementChart }, samples, samplesPerSet: GRID_SIDE * GRID_SIDE, notes });
  const md = join(outDir, REPORT_FILES.markdown);
  const html = join(outDir, REPORT_FILES.html);
  writeFileSync(md, renderMarkdown(doc));
  writeFileSync(html, renderHtml(doc));
  files.unshift(md, html);
  return { files, notes };
}
