/**
 * `hsr bound --hvp-budget K`: the five WS bounds built from ESTIMATED traces, for networks too
 * large even for the closed form: T1 by Rademacher Hutchinson and T2 = ||H||_F^2 by the
 * Frobenius estimator ||Hv||^2, both from the same K Hessian-vector products
 * (numeric hutchinsonTraces), each with its standard error. The result is labelled as an
 * estimate everywhere: it is not a guaranteed bound (an underestimated T2 can put the
 * estimated U below lambda_max), and `hsr estimate` measures how often that happens.
 * A layered model (any depth) runs the same estimator on the deep R-operator products
 * (layeredCase.ts, numeric deep/hessianVectorProduct.ts).
 * The JSON keeps no top-level traceH/traceH2/bounds, so a reader of the exact contract cannot
 * mistake an estimate for it.
 */
import type { Command } from 'commander';
import { boundValues, createRng, hessianOperator, hutchinsonTraces, wolkowiczStyanBounds, type BoundValues, type Dataset, type HessianOperator, type Model, type Variant } from '@hsr/numeric';
import { parseNumber, parseSeed, UsageError } from '../errors.ts';
import { formatNumber, renderTable } from '../output.ts';

export interface EstimatedBoundReport {
  parameters: number;
  samples: number;
  estimated: {
    method: string;
    hvpBudget: number;
    seed: number;
    traceH: number;
    traceHStandardError: number;
    traceH2: number;
    traceH2StandardError: number;
    mean: number;
    spread: number;
    bounds: BoundValues;
    note: string;
  };
}

export const ESTIMATED_BOUND_NOTE = 'ESTIMATED from random probes, not guaranteed bounds: an estimated U can fall below lambda_max (hsr estimate measures how often)';

/** Add --hvp-budget and --seed to `hsr bound`. */
export function addHvpBudgetOptions(cmd: Command): Command {
  return cmd
    .option('--hvp-budget <K>', 'estimate T1 (Hutchinson) and T2 (Frobenius ||Hv||^2) from K Hessian-vector products instead of the closed form, for networks too large for it; the bounds are then labelled estimated')
    .option('--seed <S>', 'with --hvp-budget: seeds the Rademacher probes', '0');
}

/** The parsed --hvp-budget, or null when it was not given (checked before any file is read). */
export function readHvpBudget(opts: { hvpBudget?: string; seed: string; exact?: boolean }): { budget: number; seed: number } | null {
  if (opts.hvpBudget === undefined) return null;
  if (opts.exact) throw new UsageError('--hvp-budget: cannot be combined with --exact (the dense Hessian gives the exact traces)');
  return { budget: parseNumber('--hvp-budget', opts.hvpBudget, { integer: true, min: 1 }), seed: parseSeed('--seed', opts.seed) };
}

export function computeEstimatedBound(model: Model, data: Dataset, variant: Variant, budget: number, seed: number): EstimatedBoundReport {
  return estimatedBoundOf(hessianOperator(model, data, variant), data.samples, budget, seed);
}

/** The estimated bounds from K products of any Hessian operator (the two-layer one, or deep/hessianVectorProduct.ts's for a layered model). */
export function estimatedBoundOf(op: HessianOperator, samples: number, budget: number, seed: number): EstimatedBoundReport {
  const { traceH, traceH2 } = hutchinsonTraces(op, createRng(seed), { products: budget, probe: 'rademacher' });
  const b = wolkowiczStyanBounds(traceH.estimate, traceH2.estimate, op.size);
  return {
    parameters: op.size,
    samples,
    estimated: {
      method: 'Rademacher Hutchinson (T1) and the Frobenius estimator ||Hv||^2 (T2) on the same probes',
      hvpBudget: budget,
      seed,
      traceH: traceH.estimate,
      traceHStandardError: traceH.standardError,
      traceH2: traceH2.estimate,
      traceH2StandardError: traceH2.standardError,
      mean: b.mean,
      spread: b.spread,
      bounds: boundValues(b),
      note: ESTIMATED_BOUND_NOTE,
    },
  };
}

export function renderEstimatedBound(r: EstimatedBoundReport, label: string): string {
  const e = r.estimated;
  const se = (x: number) => (Number.isFinite(x) ? `+- ${formatNumber(x)}` : '- (one probe)');
  const rows: (string | number)[][] = [
    ['quantity', 'ESTIMATED', 'standard error'],
    ['tr H (T1)', e.traceH, se(e.traceHStandardError)],
    ['tr H^2 (T2)', e.traceH2, se(e.traceH2StandardError)],
    ['mean eigenvalue m', e.mean, ''],
    ['spread s', e.spread, ''],
    ['lambda_max upper', e.bounds.lambdaMaxUpper, ''],
    ['lambda_max lower', e.bounds.lambdaMaxLower, ''],
    ['lambda_min upper', e.bounds.lambdaMinUpper, ''],
    ['lambda_min lower', e.bounds.lambdaMinLower, ''],
    ['range upper', e.bounds.rangeUpper, ''],
  ];
  return `${label}\nP = ${r.parameters} parameters, N = ${r.samples} samples\nestimated with ${e.hvpBudget} Hessian-vector products (seed ${e.seed}): ${e.method}\n\n${renderTable(rows)}note: ${e.note}\n`;
}
