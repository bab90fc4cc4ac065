/**
 * The reproduction report: run the protocol (experiment.ts), judge the claims (verdicts.ts),
 * draw the figures (plots.ts) and write DIR/index.html and DIR/results.json (html.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderReportHtml } from './html.ts';
import { renderPlots, reportPlots, type RenderedPlot } from './plots.ts';
import type { ReproductionResults } from './results.ts';
import { evaluateClaims, type ClaimRow } from './verdicts.ts';

export type { DatasetResult, ReproductionResults, RunResult, Summary } from './results.ts';
export { RESULTS_SCHEMA, finalRecord, runsOf, summarise } from './results.ts';
export type { DatasetProtocol, ReproductionProtocol } from './settings.ts';
export { FULL_DATASETS, FULL_SEEDS, QUICK_DATASETS, QUICK_SEEDS, REPRODUCE_METHODS, REPRODUCE_VARIANT, methodHyperparameters, seedList } from './settings.ts';
export type { ReproductionHooks, RunStart } from './experiment.ts';
export { runReproduction, trainingConfig } from './experiment.ts';
export type { AggregateVerdict, ClaimCell, ClaimRow, ClaimSpec, ComparisonRule, PairedVerdict, Verdict } from './verdicts.ts';
export { ACCURACY_MARGIN, CLAIMS, HSR_METHODS, MIN_RELATIVE_EFFECT, SAM_FLATNESS_MARGIN, aggregateVerdict, evaluateClaims, pairedVerdict } from './verdicts.ts';
export type { Plot, RenderedPlot } from './plots.ts';
export { datasetPlots, renderSvg, reportPlots, summaryPlot, trajectory } from './plots.ts';
export { escapeHtml, formatValue, renderReportHtml } from './html.ts';
export type { ReportFormula } from './formulas.ts';
export { REPORT_FORMULAS, renderFormula, renderTex } from './formulas.ts';

export interface WrittenReport {
  readonly dir: string;
  readonly indexPath: string;
  readonly resultsPath: string;
  readonly claims: readonly ClaimRow[];
  readonly plots: readonly RenderedPlot[];
}

/** Judge, draw and write the report for `results` into `dir` (created if needed); absolute paths back. */
export async function writeReport(results: ReproductionResults, dir: string, command: string): Promise<WrittenReport> {
  const out = resolve(dir);
  const claims = evaluateClaims(results);
  const plots = await renderPlots(reportPlots(results));
  const html = renderReportHtml({ results, claims, plots, command });
  mkdirSync(out, { recursive: true });
  const indexPath = join(out, 'index.html');
  const resultsPath = join(out, 'results.json');
  writeFileSync(resultsPath, `${JSON.stringify({ ...results, command, claims }, null, 1)}\n`);
  writeFileSync(indexPath, html);
  return { dir: out, indexPath, resultsPath, claims, plots };
}
