/**
 * What training records at each metrics epoch: losses and accuracies on the full training
 * set, the closed-form traces and all five Wolkowicz–Styan bounds for the chosen variant on
 * the curvature set (the full training set, or the fixed, seeded metrics subset the caller
 * passes as `curvatureData`), and the extreme eigenvalues of that Hessian at any P: while the
 * block's P is at most `METRICS_MAX_EXACT_PARAMETERS`, from the dense Hessian (exact extremes,
 * the count of negative eigenvalues and their share of the spectrum's mass); above it, by
 * Lanczos on the closed-form Hessian-vector product (extremes with their residual bounds) and
 * stochastic Lanczos quadrature for the negative mass with its standard error (spectrum.ts). Beside the curvature, the quantities that tell flat from over-confident
 * (docs/guide-sharpness.md): the gradient norm, the test set's expected calibration error,
 * per-layer weight norms and the fraction of saturated hidden units.
 *
 * Every field is a plain finite number (or null), so a record is one deterministic JSON
 * line: no timings, no NaN. Cost: O(N^2(h^2 + c^2 + ch)) for the traces, O(N(hd + ch)) for
 * the gradient norm and the test-set quantities, plus O(N P^2 + P^3)
 * for the dense spectrum when it is available (P = 67 for Iris 4-8-3: a few milliseconds), else
 * about 35 + 3 x 30 Hessian-vector products (spectrum.ts) of O(M(hd + ch)) each on the M curvature samples
 * (784-128-10 on 1000 samples: about 0.1 s a product).
 *
 * Layered models of any depth (computeLayeredMetrics) get the same record from the deep/
 * closed forms: deepHessianTraces for T1, T2 and the bounds, deepDenseHessian or Lanczos and SLQ
 * on deepHessianOperator for the spectrum, over the same P limit.
 */
import { symmetricEigenvalues } from '../eigen.ts';
import { denseHessian, type SymmetricMatrix } from '../hessian.ts';
import { hessianTraces } from '../hessianTrace.ts';
import { ACTIVATIONS } from '../activations.ts';
import { accuracy, forwardPass, lossGradient, type ForwardPass } from '../network.ts';
import { blockRange, flattenParameters } from '../parameters.ts';
import type { Dataset, Model, Variant } from '../types.ts';
import { boundValues, wolkowiczStyanBounds, type BoundValues } from '../wolkowiczStyan.ts';
import { relativeSharpness, weightNorm } from './sharpness.ts';
import { hessianOperator, type HessianOperator } from '../hessianVectorProduct.ts';
import { lanczosSpectrum } from './spectrum.ts';
import { deepForwardPass, deepLossGradient, type DeepForwardPass } from '../deep/forward.ts';
import { deepDenseHessian } from '../deep/hessian.ts';
import { deepHessianOperator } from '../deep/hessianVectorProduct.ts';
import { deepHessianTraces } from '../deep/traces.ts';
import { flattenLayered, layerOffset, layerParameterCount, type DeepVariant, type LayeredModel } from '../deep/model.ts';

/**
 * Largest block size P for which metrics form the dense P x P Hessian: 1500^2 doubles is
 * 18 MiB and the symmetric QL solve takes seconds (0.36 s at 400, cubic growth), which is
 * the most a metrics epoch should cost. Above it `exactAvailable` is false and the
 * spectrum comes from Lanczos (`spectrumMethod: "lanczos"`).
 */
export const METRICS_MAX_EXACT_PARAMETERS = 1500;

/**
 * Relative threshold below which an eigenvalue counts as negative: lambda < -1e-10 max|lambda|.
 * The Hessian has exact zero eigenvalues — for the softmax losses (cross-entropy, label
 * smoothing) S_n 1 = 0, so adding one vector to every row of [V | a] changes nothing: at least
 * h~ null directions; for any loss J^T S J has rank <= N c (docs/mathematics.md §8) — which the
 * assembly and the O(P^3) solver return as +-(P eps max|lambda|) ~ 1e-13 relative noise; counting
 * those as negative would report spurious saddles. 1e-10 is three orders above that noise and
 * well below any genuine negative curvature we report on.
 */
export const NEGATIVE_EIGENVALUE_RTOL = 1e-10;

/**
 * Equal-width confidence bins of the expected calibration error: 15, as in Guo et al. (2017),
 * "On calibration of modern neural networks", whose definition `expectedCalibrationError` follows.
 */
export const CALIBRATION_BINS = 15;

/**
 * A hidden unit is saturated on a sample when |phi'(u)| < SATURATION_RTOL |phi'(0)|: for tanh
 * |u| > 2.99 (|tanh u| > 0.995), for the logistic |u| > 5.3; for softplus, SiLU and GELU only
 * the flat negative side. Gradients through such a unit are 1% or less of their size at u = 0.
 */
export const SATURATION_RTOL = 0.01;

/** ||W||_F, ||b||, ||V||_F, ||a|| (null without biases). */
export interface LayerNorms {
  W: number;
  b: number | null;
  V: number;
  a: number | null;
}

export interface MetricsRecord {
  epoch: number;
  /** Optimizer steps taken so far. */
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  /** null when there is no test set. */
  testLoss: number | null;
  testAccuracy: number | null;
  /** Samples the curvature quantities (T1, T2, bounds, spectrum) are taken on: the training set or the metrics subset. */
  curvatureSamples: number;
  /** T1, T2 and P of the variant's block on the curvature set. */
  traceH: number;
  traceH2: number;
  parameters: number;
  bounds: BoundValues;
  /** False when P > METRICS_MAX_EXACT_PARAMETERS: the spectrum is then Lanczos's, and negativeEigenvalues null. */
  exactAvailable: boolean;
  /** Where lambdaMax, lambdaMin and negativeMass come from; null on a non-finite state. */
  spectrumMethod: 'dense' | 'lanczos' | null;
  lambdaMax: number | null;
  lambdaMin: number | null;
  /** Lanczos: residual bounds of the extreme Ritz pairs (an eigenvalue lies within each); dense: 0. */
  lambdaMaxResidual: number | null;
  lambdaMinResidual: number | null;
  /** Eigenvalues below -NEGATIVE_EIGENVALUE_RTOL * max|lambda| (dense only). */
  negativeEigenvalues: number | null;
  /** kappa_rel = lambda_max ||theta_block||^2 / P (eq:relative-sharpness). */
  relativeSharpness: number | null;
  /** U ||theta_block||^2 / P: an upper bound on relativeSharpness, available at any P. */
  boundedRelativeSharpness: number;
  /** ||theta|| over all parameters. */
  weightNorm: number;
  /** ||grad L|| of the mean loss on the full training set (all parameters): how far from a critical point. */
  gradientNorm: number;
  /** Sum of |lambda| over the negative eigenvalues (as counted) / sum of |lambda| over all (dense: exact; lanczos: SLQ estimate). */
  negativeMass: number | null;
  /** Standard error of the SLQ estimate over its probes; 0 when dense. */
  negativeMassError: number | null;
  /** Expected calibration error of the test predictions (CALIBRATION_BINS bins); null without a test set. */
  testCalibrationError: number | null;
  /** Per-layer Frobenius norms. */
  layerNorms: LayerNorms;
  /** Fraction of (training sample, hidden unit) pairs whose unit is saturated (SATURATION_RTOL). */
  saturatedFraction: number;
  /** Layered models only: ||W_l||_F and ||b_l|| of every layer, first to last (layerNorms holds the first and the last). */
  layerNormsByLayer?: { W: number; b: number | null }[];
  /** Steps, so far, on which hsr-step or hsr-penalty skipped the regulariser (grad U = 0 or s = 0). */
  regulariserSkipped: number;
}

export interface MetricsContext {
  epoch: number;
  step: number;
  regulariserSkipped: number;
  maxExactParameters?: number;
  /** The samples T1, T2, the bounds and the spectrum are taken on (default: the training set). */
  curvatureData?: Dataset;
  /** Seed of the Lanczos start vectors (default 0). */
  spectrumSeed?: number;
}

/** Mean loss over a data set (the model's loss; the training objective's own reduction). */
function meanLoss(fpLosses: Float64Array): number {
  let s = 0;
  for (let i = 0; i < fpLosses.length; i++) s += fpLosses[i]!;
  return s / fpLosses.length;
}

function norm2(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** What the calibration error reads of a forward pass: N x c logits and softmax probabilities. */
export type CalibrationInput = Pick<ForwardPass, 'samples' | 'classes' | 'v' | 'p'>;

/**
 * Expected calibration error (Guo et al. 2017, Eq. 3):
 * $\mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{N}\,\big|\mathrm{acc}(B_m) - \mathrm{conf}(B_m)\big|$,
 * with conf_n = max_k p_nk, the prediction argmax_k v_nk (first index on ties, as `accuracy`)
 * and B_m the samples with conf_n in ((m-1)/M, m/M]. 0 for a perfectly calibrated model, at
 * most 1. Cost O(N c). Verified by metrics.test.ts (hand-computed bins).
 */
export function expectedCalibrationError(fp: CalibrationInput, labels: ArrayLike<number>, bins: number = CALIBRATION_BINS): number {
  const { samples: N, classes: c } = fp;
  if (N === 0) throw new RangeError('calibration error of 0 samples');
  const count = new Float64Array(bins);
  const correct = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (fp.v[n * c + k]! > fp.v[n * c + best]!) best = k;
    const conf = fp.p[n * c + best]!;
    const m = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[m]!++;
    confidence[m]! += conf;
    if (best === labels[n]) correct[m]!++;
  }
  let ece = 0;
  for (let m = 0; m < bins; m++) if (count[m]! > 0) ece += Math.abs(correct[m]! - confidence[m]!) / N;
  return ece;
}

/** Fraction of pairs (n, i) with |phi'(u_ni)| < SATURATION_RTOL |phi'(0)| (phi' from the forward pass, no 1 - t^2). Cost O(N h). */
export function saturatedFraction(model: Model, fp: ForwardPass): number {
  const total = fp.samples * fp.hiddenDim;
  if (total === 0) return 0;
  const threshold = SATURATION_RTOL * Math.abs(ACTIVATIONS[model.activation].d1(0));
  let saturated = 0;
  for (let i = 0; i < total; i++) if (Math.abs(fp.d1[i]!) < threshold) saturated++;
  return saturated / total;
}

/**
 * $\sum_{\lambda_i < -\tau}|\lambda_i| \big/ \sum_i|\lambda_i|$ with $\tau$ = NEGATIVE_EIGENVALUE_RTOL max|lambda|
 * (the eigenvalues `negativeEigenvalues` counts): how much of the spectrum's mass is negative
 * curvature, 0 at a minimum, 1/2 for a symmetric saddle. 0 for the zero matrix. Cost O(P).
 */
export function negativeMass(eigenvalues: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < eigenvalues.length; i++) max = Math.max(max, Math.abs(eigenvalues[i]!));
  const threshold = -NEGATIVE_EIGENVALUE_RTOL * max;
  let negative = 0;
  let total = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const l = eigenvalues[i]!;
    total += Math.abs(l);
    if (l < threshold) negative -= l;
  }
  return total === 0 ? 0 : negative / total;
}

/** Frobenius norms of W, b, V, a. Cost O(P). */
export function layerNorms(model: Model): LayerNorms {
  return { W: norm2(model.W), b: model.b ? norm2(model.b) : null, V: norm2(model.V), a: model.a ? norm2(model.a) : null };
}

/** The spectrum fields of a record (see the module comment): dense while P <= the limit, else Lanczos and SLQ. */
type SpectrumFields = Pick<MetricsRecord, 'exactAvailable' | 'spectrumMethod' | 'lambdaMax' | 'lambdaMin' | 'lambdaMaxResidual' | 'lambdaMinResidual' | 'negativeEigenvalues' | 'negativeMass' | 'negativeMassError'>;

/**
 * The spectrum of a block of P parameters, from the dense Hessian (`dense`) while P <= `limit`,
 * else by Lanczos and SLQ on `operator`; all null on a non-finite state, which must not reach
 * the eigen-solver (the caller's finiteness check stops training).
 */
function spectrumFields(P: number, limit: number, finiteState: boolean, dense: () => SymmetricMatrix, operator: () => HessianOperator, seed: number): SpectrumFields {
  const exactAvailable = P <= limit;
  const none: SpectrumFields = {
    exactAvailable,
    spectrumMethod: null,
    lambdaMax: null,
    lambdaMin: null,
    lambdaMaxResidual: null,
    lambdaMinResidual: null,
    negativeEigenvalues: null,
    negativeMass: null,
    negativeMassError: null,
  };
  if (!finiteState) return none;
  if (exactAvailable) {
    const ev = symmetricEigenvalues(dense());
    const lambdaMax = ev[ev.length - 1]!;
    const lambdaMin = ev[0]!;
    const threshold = -NEGATIVE_EIGENVALUE_RTOL * Math.max(Math.abs(lambdaMax), Math.abs(lambdaMin));
    let negativeEigenvalues = 0;
    for (let i = 0; i < ev.length && ev[i]! < threshold; i++) negativeEigenvalues++;
    return { exactAvailable, spectrumMethod: 'dense', lambdaMax, lambdaMin, lambdaMaxResidual: 0, lambdaMinResidual: 0, negativeEigenvalues, negativeMass: negativeMass(ev), negativeMassError: 0 };
  }
  const sp = lanczosSpectrum(operator(), { seed, negativeRtol: NEGATIVE_EIGENVALUE_RTOL });
  return {
    ...none,
    spectrumMethod: 'lanczos',
    lambdaMax: sp.lambdaMax,
    lambdaMin: sp.lambdaMin,
    lambdaMaxResidual: sp.residualMax,
    lambdaMinResidual: sp.residualMin,
    negativeMass: sp.negative.negativeMass,
    negativeMassError: sp.negative.standardError,
  };
}

/** What a network's own passes give a record; `recordOf` adds the bounds and sharpness. */
interface RecordParts {
  trainLoss: number;
  trainAccuracy: number;
  test: { loss: number; accuracy: number; calibrationError: number } | null;
  curvatureSamples: number;
  traces: { traceH: number; traceH2: number; parameters: number };
  spectrum: (finiteState: boolean) => SpectrumFields;
  theta: Float64Array;
  blockTheta: ArrayLike<number>;
  gradientNorm: number;
  layerNorms: LayerNorms;
  saturatedFraction: number;
}

function recordOf(ctx: MetricsContext, parts: RecordParts): MetricsRecord {
  const tr = parts.traces;
  const b = wolkowiczStyanBounds(tr.traceH, tr.traceH2, tr.parameters);
  const finiteState = Number.isFinite(parts.trainLoss) && Number.isFinite(tr.traceH) && Number.isFinite(tr.traceH2);
  const sp = parts.spectrum(finiteState);
  return {
    epoch: ctx.epoch,
    step: ctx.step,
    trainLoss: parts.trainLoss,
    trainAccuracy: parts.trainAccuracy,
    testLoss: parts.test?.loss ?? null,
    testAccuracy: parts.test?.accuracy ?? null,
    curvatureSamples: parts.curvatureSamples,
    traceH: tr.traceH,
    traceH2: tr.traceH2,
    parameters: tr.parameters,
    bounds: boundValues(b),
    exactAvailable: sp.exactAvailable,
    spectrumMethod: sp.spectrumMethod,
    lambdaMax: sp.lambdaMax,
    lambdaMin: sp.lambdaMin,
    lambdaMaxResidual: sp.lambdaMaxResidual,
    lambdaMinResidual: sp.lambdaMinResidual,
    negativeEigenvalues: sp.negativeEigenvalues,
    relativeSharpness: sp.lambdaMax === null ? null : relativeSharpness(sp.lambdaMax, parts.blockTheta),
    boundedRelativeSharpness: relativeSharpness(b.lambdaMaxUpper, parts.blockTheta),
    weightNorm: weightNorm(parts.theta),
    regulariserSkipped: ctx.regulariserSkipped,
    gradientNorm: parts.gradientNorm,
    negativeMass: sp.negativeMass,
    negativeMassError: sp.negativeMassError,
    testCalibrationError: parts.test?.calibrationError ?? null,
    layerNorms: parts.layerNorms,
    saturatedFraction: parts.saturatedFraction,
  };
}

/** One metrics record for `model` (see the module comment for what is in it). */
export function computeMetrics(model: Model, train: Dataset, test: Dataset | null, variant: Variant, ctx: MetricsContext): MetricsRecord {
  const fp = forwardPass(model, train);
  const curvatureData = ctx.curvatureData ?? train;
  const fpc = curvatureData === train ? fp : forwardPass(model, curvatureData);
  const tr = hessianTraces(model, curvatureData, variant, fpc);
  const theta = flattenParameters(model);
  const { start, end } = blockRange(model, variant.block);
  let testPart: RecordParts['test'] = null;
  if (test && test.samples > 0) {
    const fpt = forwardPass(model, test);
    testPart = { loss: meanLoss(fpt.losses), accuracy: accuracy(model, test, fpt), calibrationError: expectedCalibrationError(fpt, test.y) };
  }
  return recordOf(ctx, {
    trainLoss: meanLoss(fp.losses),
    trainAccuracy: accuracy(model, train, fp),
    test: testPart,
    curvatureSamples: curvatureData.samples,
    traces: tr,
    spectrum: (finite) =>
      spectrumFields(
        tr.parameters,
        ctx.maxExactParameters ?? METRICS_MAX_EXACT_PARAMETERS,
        finite,
        () => denseHessian(model, curvatureData, variant, fpc),
        () => hessianOperator(model, curvatureData, variant, fpc),
        ctx.spectrumSeed ?? 0,
      ),
    theta,
    blockTheta: theta.subarray(start, end),
    gradientNorm: norm2(lossGradient(model, train, 'mean', fp).gradient),
    layerNorms: layerNorms(model),
    saturatedFraction: saturatedFraction(model, fp),
  });
}

/** The share of correct argmax predictions (first index on ties) among N x c logits. O(N c). */
function logitAccuracy(v: Float64Array, c: number, labels: ArrayLike<number>): number {
  const N = labels.length;
  let correct = 0;
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (v[n * c + k]! > v[n * c + best]!) best = k;
    if (best === labels[n]) correct++;
  }
  return correct / N;
}

/** The calibration view of a deep forward pass (its logits and softmax probabilities). */
function calibrationView(fp: DeepForwardPass): CalibrationInput {
  return { samples: fp.samples, classes: fp.loss.outputs, v: fp.v, p: fp.loss.p };
}

/**
 * Per-layer norms of a layered model: ||W_l||_F and ||b_l|| (null without biases), layer by
 * layer. `layerNorms` of its record keeps the two-layer shape: W, b of the first layer and
 * V, a of the last.
 */
export function layeredLayerNorms(model: LayeredModel): { W: number; b: number | null }[] {
  return model.layers.map((layer) => ({ W: norm2(layer.W), b: layer.b ? norm2(layer.b) : null }));
}

/** saturatedFraction over every hidden layer of a layered model (each layer's own activation). O(N sum h_l). */
export function layeredSaturatedFraction(model: LayeredModel, fp: DeepForwardPass): number {
  let total = 0;
  let saturated = 0;
  fp.d1.forEach((d1, l) => {
    const threshold = SATURATION_RTOL * Math.abs(ACTIVATIONS[model.activations[l]!].d1(0));
    total += d1.length;
    for (let i = 0; i < d1.length; i++) if (Math.abs(d1[i]!) < threshold) saturated++;
  });
  return total === 0 ? 0 : saturated / total;
}

/**
 * One metrics record for a layered model and the block `variant.layers` (deep/): T1, T2 from
 * deepHessianTraces, the spectrum from deepDenseHessian while the block's P is at most the
 * limit, else Lanczos and SLQ on deepHessianOperator; `layerNormsByLayer` lists every layer.
 * Same fields and meaning as computeMetrics's otherwise.
 */
export function computeLayeredMetrics(model: LayeredModel, train: Dataset, test: Dataset | null, variant: DeepVariant, ctx: MetricsContext): MetricsRecord {
  const fp = deepForwardPass(model, train);
  const curvatureData = ctx.curvatureData ?? train;
  const fpc = curvatureData === train ? fp : deepForwardPass(model, curvatureData);
  const tr = deepHessianTraces(model, curvatureData, variant, fpc);
  const theta = flattenLayered(model);
  const blockTheta: number[] = [];
  for (const l of variant.layers) {
    const o = layerOffset(model, l);
    for (let i = 0; i < layerParameterCount(model, l); i++) blockTheta.push(theta[o + i]!);
  }
  const c = model.layers[model.layers.length - 1]!.outputs;
  let testPart: RecordParts['test'] = null;
  if (test && test.samples > 0) {
    const fpt = deepForwardPass(model, test);
    testPart = { loss: meanLoss(fpt.loss.losses), accuracy: logitAccuracy(fpt.v, c, test.y), calibrationError: expectedCalibrationError(calibrationView(fpt), test.y) };
  }
  const norms = layeredLayerNorms(model);
  const record = recordOf(ctx, {
    trainLoss: meanLoss(fp.loss.losses),
    trainAccuracy: logitAccuracy(fp.v, c, train.y),
    test: testPart,
    curvatureSamples: curvatureData.samples,
    traces: tr,
    spectrum: (finite) =>
      spectrumFields(
        tr.parameters,
        ctx.maxExactParameters ?? METRICS_MAX_EXACT_PARAMETERS,
        finite,
        () => deepDenseHessian(model, curvatureData, variant, fpc),
        () => deepHessianOperator(model, curvatureData, variant, fpc),
        ctx.spectrumSeed ?? 0,
      ),
    theta,
    blockTheta,
    gradientNorm: norm2(deepLossGradient(model, train, 'mean', fp).gradient),
    layerNorms: { W: norms[0]!.W, b: norms[0]!.b, V: norms.at(-1)!.W, a: norms.at(-1)!.b },
    saturatedFraction: layeredSaturatedFraction(model, fp),
  });
  return { ...record, layerNormsByLayer: norms };
}

/** True when every number in the record is finite (nulls allowed). */
export function isFiniteRecord(r: MetricsRecord): boolean {
  const nums = [r.trainLoss, r.testLoss, r.traceH, r.traceH2, ...Object.values(r.bounds), r.lambdaMax, r.lambdaMin, r.weightNorm];
  return nums.every((x) => x === null || Number.isFinite(x));
}
