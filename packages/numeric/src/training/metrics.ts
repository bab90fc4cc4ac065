/**
 * What training records at each metrics epoch: losses and accuracies, the closed-form
 * traces and all five Wolkowicz–Styan bounds on the FULL training set for the chosen
 * variant, and, while the block's P is at most `METRICS_MAX_EXACT_PARAMETERS`, the exact extreme
 * eigenvalues and the count of negative ones from the dense Hessian.
 *
 * Every field is a plain finite number (or null), so a record is one deterministic JSON
 * line: no timings, no NaN. Cost: O(N^2(h^2 + c^2 + ch)) for the traces, plus O(N P^2 + P^3)
 * for the dense spectrum when it is available (P = 67 for Iris 4-8-3: a few milliseconds).
 */
import { symmetricEigenvalues } from '../eigen.ts';
import { denseHessian } from '../hessian.ts';
import { hessianTraces } from '../hessianTrace.ts';
import { accuracy, forwardPass } from '../network.ts';
import { blockRange, flattenParameters } from '../parameters.ts';
import type { Dataset, Model, Variant } from '../types.ts';
import { boundValues, wolkowiczStyanBounds, type BoundValues } from '../wolkowiczStyan.ts';
import { relativeSharpness, weightNorm } from './sharpness.ts';

/**
 * Largest block size P for which metrics form the dense P x P Hessian: 1500^2 doubles is
 * 18 MiB and the symmetric QL solve takes seconds (0.36 s at 400, cubic growth), which is
 * the most a metrics epoch should cost. Above it `exactAvailable` is false.
 */
export const METRICS_MAX_EXACT_PARAMETERS = 1500;

/**
 * Relative threshold below which an eigenvalue counts as negative: lambda < -1e-10 max|lambda|.
 * The cross-entropy Hessian has exact zero eigenvalues (softmax is invariant to adding one
 * vector to every row of [V | a], so at least h~ null directions), which the assembly and the
 * O(P^3) solver return as +-(P eps max|lambda|) ~ 1e-13 relative noise; counting those as
 * negative would report spurious saddles. 1e-10 is three orders above that noise and well
 * below any genuine negative curvature we report on.
 */
export const NEGATIVE_EIGENVALUE_RTOL = 1e-10;

export interface MetricsRecord {
  epoch: number;
  /** Optimizer steps taken so far. */
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  /** null when there is no test set. */
  testLoss: number | null;
  testAccuracy: number | null;
  /** T1, T2 and P of the variant's block on the full training set. */
  traceH: number;
  traceH2: number;
  parameters: number;
  bounds: BoundValues;
  /** False when P > METRICS_MAX_EXACT_PARAMETERS: the four fields below are then null. */
  exactAvailable: boolean;
  lambdaMax: number | null;
  lambdaMin: number | null;
  /** Eigenvalues below -NEGATIVE_EIGENVALUE_RTOL * max|lambda|. */
  negativeEigenvalues: number | null;
  /** kappa_rel = lambda_max ||theta_block||^2 / P (eq:relative-sharpness). */
  relativeSharpness: number | null;
  /** U ||theta_block||^2 / P: an upper bound on relativeSharpness, available at any P. */
  boundedRelativeSharpness: number;
  /** ||theta|| over all parameters. */
  weightNorm: number;
  /** Steps, so far, on which hsr-step or hsr-penalty skipped the regulariser (grad U = 0 or s = 0). */
  regulariserSkipped: number;
}

export interface MetricsContext {
  epoch: number;
  step: number;
  regulariserSkipped: number;
  maxExactParameters?: number;
}

/** Mean cross-entropy over a data set (the training objective's own reduction). */
function meanLoss(fpLosses: Float64Array): number {
  let s = 0;
  for (let i = 0; i < fpLosses.length; i++) s += fpLosses[i]!;
  return s / fpLosses.length;
}

/** One metrics record for `model` (see the module comment for what is in it). */
export function computeMetrics(model: Model, train: Dataset, test: Dataset | null, variant: Variant, ctx: MetricsContext): MetricsRecord {
  const fp = forwardPass(model, train);
  const tr = hessianTraces(model, train, variant, fp);
  const b = wolkowiczStyanBounds(tr.traceH, tr.traceH2, tr.parameters);
  const theta = flattenParameters(model);
  const { start, end } = blockRange(model, variant.block);
  const blockTheta = theta.subarray(start, end);
  let testLoss: number | null = null;
  let testAccuracy: number | null = null;
  if (test && test.samples > 0) {
    const fpt = forwardPass(model, test);
    testLoss = meanLoss(fpt.losses);
    testAccuracy = accuracy(model, test, fpt);
  }
  const limit = ctx.maxExactParameters ?? METRICS_MAX_EXACT_PARAMETERS;
  const exactAvailable = tr.parameters <= limit;
  const trainLoss = meanLoss(fp.losses);
  // A non-finite state (a diverging run) must not reach the eigen-solver: report nulls and let
  // the caller's finiteness check stop training.
  const finiteState = Number.isFinite(trainLoss) && Number.isFinite(tr.traceH) && Number.isFinite(tr.traceH2);
  let lambdaMax: number | null = null;
  let lambdaMin: number | null = null;
  let negativeEigenvalues: number | null = null;
  if (exactAvailable && finiteState) {
    const ev = symmetricEigenvalues(denseHessian(model, train, variant, fp));
    lambdaMax = ev[ev.length - 1]!;
    lambdaMin = ev[0]!;
    const threshold = -NEGATIVE_EIGENVALUE_RTOL * Math.max(Math.abs(lambdaMax), Math.abs(lambdaMin));
    negativeEigenvalues = 0;
    for (let i = 0; i < ev.length && ev[i]! < threshold; i++) negativeEigenvalues++;
  }
  return {
    epoch: ctx.epoch,
    step: ctx.step,
    trainLoss,
    trainAccuracy: accuracy(model, train, fp),
    testLoss,
    testAccuracy,
    traceH: tr.traceH,
    traceH2: tr.traceH2,
    parameters: tr.parameters,
    bounds: boundValues(b),
    exactAvailable,
    lambdaMax,
    lambdaMin,
    negativeEigenvalues,
    relativeSharpness: lambdaMax === null ? null : relativeSharpness(lambdaMax, blockTheta),
    boundedRelativeSharpness: relativeSharpness(b.lambdaMaxUpper, blockTheta),
    weightNorm: weightNorm(theta),
    regulariserSkipped: ctx.regulariserSkipped,
  };
}

/** True when every number in the record is finite (nulls allowed). */
export function isFiniteRecord(r: MetricsRecord): boolean {
  const nums = [r.trainLoss, r.testLoss, r.traceH, r.traceH2, ...Object.values(r.bounds), r.lambdaMax, r.lambdaMin, r.weightNorm];
  return nums.every((x) => x === null || Number.isFinite(x));
}
