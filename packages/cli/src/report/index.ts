/**
 * The reproduction report: run the protocol (experiment.ts), judge the claims (verdicts.ts),
 * draw the figures (plots.ts) and write DIR/index.html and DIR/results.json (html.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderReportHtml } from './html.ts';
import { renderPlots, reportPlots, type RenderedPlot } from './plots.ts';
import type { ReproductionResults } from './results.ts';
import { evaluateClaims, type ClaimsSummary } from './verdicts.ts';

export type { Checkpoint, EscapeRun, MatchedLoss, ReproductionResults, RunResult, StudyResult, Summary, SweepCandidate, SweepResult } from './results.ts';
export { RESULTS_SCHEMA, finalRecord, runsOf, seedsOf, summarise } from './results.ts';
export type { DatasetEntry, EscapeProtocol, Hyperparameters, Knob, LossName, ModelEntry, OptimizerProtocol, ReproductionProtocol, Study, SweepGrid, SweepProtocol } from './settings.ts';
export {
  DEFAULT_HYPERPARAMETERS,
  ESCAPE,
  FULL_DATASETS,
  FULL_SEEDS,
  FULL_SWEEP,
  MODELS,
  OPTIMIZER,
  QUICK_DATASETS,
  QUICK_SEEDS,
  QUICK_SWEEP,
  REPRODUCE_METHODS,
  REPRODUCE_VARIANT,
  datasetLabel,
  protocolFor,
  seedList,
  studies,
  withKnob,
} from './settings.ts';
export type { PreparedUnit, ReproductionHooks, RunStart } from './experiment.ts';
export { chooseCandidate, prepareUnit, runReproduction, trainingConfig } from './experiment.ts';
export type { SignFlipTest, TTest } from './statistics.ts';
export { holmAdjust, pairedTTest, signFlipTest, studentTCdf, studentTQuantile, studentTTwoSided } from './statistics.ts';
export type { ClaimCell, ClaimMetric, ClaimRow, ClaimSpec, ClaimsSummary, Comparison, ComparisonRule, PooledVerdict, Verdict } from './verdicts.ts';
export { ACCURACY_MARGIN, ALPHA, CLAIMS, HSR_METHODS, LOG_FLOOR, MIN_RELATIVE_EFFECT, SAM_FLATNESS_MARGIN, boundaryOf, evaluateClaims, formatEffect, formatP, pairedEffect, summarySentence } from './verdicts.ts';
export type { Plot, RenderedPlot } from './plots.ts';
export { CONFIG, datasetPlots, historyTrajectory, renderPlots, renderSvg, reportPlots, summaryPlot, summaryPlots, trajectory } from './plots.ts';
export { STYLE, escapeHtml, figure, formatValue, renderReportHtml } from './html.ts';
export type { ReportFormula } from './formulas.ts';
export { REPORT_FORMULAS, renderFormula, renderTex, selectFormula } from './formulas.ts';

export interface WrittenReport {
  readonly dir: string;
  readonly indexPath: string;
  readonly resultsPath: string;
  readonly claims: ClaimsSummary;
  readonly plots: readonly RenderedPlot[];
}

/** Judge, draw and write the report for `results` into `dir` (created if needed); absolute paths back. */
export async function writeReport(results: ReproductionResults, dir: string, command: string): Promise<WrittenReport> {
  const out = resolve(dir);
  const claims = evaluateClaims(results);
  const plots = await renderPlots(reportPlots(results, claims));
  const html = renderReportHtml({ results, claims, plots, command });
  mkdirSync(out, { recursive: true });
  const indexPath = join(out, 'index.html');
  const resultsPath = join(out, 'results.json');
  writeFileSync(resultsPath, `${JSON.stringify({ ...results, command, claims }, null, 1)}\n`);
  writeFileSync(indexPath, html);
  return { dir: out, indexPath, resultsPath, claims, plots };
}
