/**
 * The table rows that the text report (commands/estimate.ts) and the page (page.ts) both show,
 * built in one place: each medium says only how it writes a measured value, a number inside
 * text, a missing value and "at most".
 */
import type { AdaptiveResult, BudgetPoint, EstimatorResult } from './experiment.ts';

export type Cell = string | number;

export interface CellStyle {
  /** A relative error, bias or standard deviation as measured (null: not measured). */
  readonly value: (x: number | null) => Cell;
  /** A number written inside text, after `atMost`. */
  readonly number: (x: number) => string;
  readonly missing: string;
  readonly atMost: string;
}

/** estimator, budget, products, replicates, median, p10, p90, bias, sd, sd theory. */
export function budgetPointRow(e: EstimatorResult, p: BudgetPoint, style: CellStyle): Cell[] {
  const theory = p.theoreticalStd === null ? style.missing : `${p.theoreticalKind === 'upper bound' ? style.atMost : ''}${style.number(p.theoreticalStd)}`;
  const v = style.value;
  return [e.label, p.budget, p.products, p.replicates, v(p.relativeError.median), v(p.relativeError.p10), v(p.relativeError.p90), v(p.meanSignedError), v(p.measuredStd), theory];
}

/** rule, runs, products (median, p90, max), error (median, p90), runs within tol, runs stopped by the rule. */
export function adaptiveRuleRow(a: AdaptiveResult, style: CellStyle): Cell[] {
  const percent = (f: number) => `${(100 * f).toFixed(0)}%`;
  return [`${a.label}: ${a.description}`, a.runs, a.products.median, a.products.p90, a.products.max, style.value(a.relativeError.median), style.value(a.relativeError.p90), percent(a.withinTol), percent(a.stoppedByRule)];
}
