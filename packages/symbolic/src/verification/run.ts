/**
 * One case of the sweep: every executable definition of the registry evaluated on the case
 * (notation/evaluate.ts) and compared, quantity by quantity, with every leg that can produce it:
 *
 * - `@hsr/numeric`: its public functions and, where a step has no public function, its internals
 *   (`@hsr/numeric/internal`: the Gram matrices, the softmax inner products);
 * - nerdamer and mathjs, each deriving for itself: the loss in the logits (g, S, the third
 *   derivative), the loss in the pre-activations (A_n, C_n), the per-sample loss in the
 *   parameters entry by entry (gradient, Hessian, pair terms of T2, third derivatives for the
 *   gradients of T1, T2 and the bounds), the Gauss–Newton matrix J^T S J, the bounds and
 *   alpha, beta from T1 and T2, and T1, T2 themselves written out in their building blocks
 *   (the seeds) and in u_n, v_n, V (the explicit partials);
 * - identities between definitions (an expanded form, the Hessian blocks with 1_H = 0 against
 *   the Gauss–Newton blocks), the dense spectrum for the bounds and Lanczos, and one step of
 *   numeric's `train` per method and optimizer.
 *
 * Each comparison is a `Measurement`: the largest absolute difference and the scale (the largest
 * |value| of the reference), which crosscheck's formula sweep judges against named tolerances.
 * An engine that cannot run a leg on a case (too large, or mathjs and erf) is recorded as a skip
 * with its reason. The engines' derivations depend only on the shape and the activation and are
 * cached, a few shapes at a time.
 */
import {
  ACTIVATIONS,
  blockRange,
  boundGradient,
  boundGradientFromTraces,
  chiSquareQuantile,
  createOptimizer,
  createRng,
  denseHessian,
  denseOperator,
  drawProbe,
  extremeEigenvalues,
  flattenParameters,
  forwardPass,
  frobeniusNormSquared,
  hessianDiagonal,
  hessianTraces,
  hessianVectorProduct,
  hutchinsonSamples,
  hutchinsonTrace,
  hutchPlusPlus,
  loss as numericLoss,
  LOSSES as NUMERIC_LOSSES,
  lossGradient,
  parameterCount,
  powerIteration,
  PROBES as PROBE_KINDS,
  pyhessianTrace,
  quadraticFormExcessKurtosis,
  quadraticFormVariance,
  relativeSharpness,
  sampleVarianceInterval,
  sampleCurvature,
  symmetricEigenvalues,
  traceGradients,
  train,
  unflattenParameters,
  wolkowiczStyanBounds,
  xtrace,
  type BoundKind,
  type Dataset,
  type Model,
  type OptimizerName,
  type Probe,
  type TrainingMethod,
} from '@hsr/numeric';
import { DEPENDENT_RTOL, gramMatrix } from '@hsr/numeric/internal';
import { ACTIVATION_DEFINITIONS, U_SCALAR } from '../definitions/activations.ts';
import {
  ALPHA,
  ALPHA_LOWER,
  ALPHA_RANGE,
  BETA,
  BETA_LOWER,
  BETA_RANGE,
  LAMBDA_MAX,
  LAMBDA_MAX_LOWER,
  LAMBDA_MAX_UPPER,
  LAMBDA_MIN,
  LAMBDA_MIN_LOWER,
  LAMBDA_MIN_UPPER,
  MEAN,
  PB,
  RADIUS,
  RANGE_UPPER,
  SPREAD,
  SPREAD_SQUARED,
} from '../definitions/bounds.ts';
import { A, C, DELTA, G_VV, G_WV, G_WW, H_VV, H_WV, H_WW } from '../definitions/curvature.ts';
import { LOWER_GRADIENT, RANGE_GRADIENT, T1_GRADIENT, T1_SEEDS, T2_GRADIENT, T2_SEEDS, UPPER_GRADIENT, type TraceGradientDefinitions, type TraceSeeds } from '../definitions/gradient.ts';
import * as est from '../definitions/estimators.ts';
import { DIRECTION_V, DIRECTION_W, HVP_OUT_V, HVP_OUT_W } from '../definitions/hvp.ts';
import { LOSS_GRADIENT_V, LOSS_GRADIENT_W } from '../definitions/lossGradient.ts';
import { LOSS_DEFINITIONS, lossesOfFormula } from '../definitions/losses.ts';
import { G, LOGITS, LOSS, PHI1, S, U, V, XT, Z, ZT } from '../definitions/network.ts';
import { AA, GAMMA, KX, KZ, SS, T1, T2 } from '../definitions/traces.ts';
import * as training from '../definitions/training.ts';
import { deriveEntrywise, type Engine, type EntrywiseNetwork } from '../entrywise.ts';
import { deriveGaussNewton } from '../gaussNewton.ts';
import { compileActivation } from '../activation.ts';
import { compileMathjsArray, math, mathjsDerivative } from '../engines.ts';
import { differentiatePairForm, pairForm } from '../notation/engineText.ts';
import { Evaluator, sizesOf, tensor, type ActivationFunctions, type Tensor } from '../notation/evaluate.ts';
import { define, freeIndices, type Definition, type Expr, type TensorSymbol } from '../notation/expression.ts';
import { renderExpression, renderFormula } from '../notation/latex.ts';
import type { LossSpec } from '../networkExpressions.ts';
import { mathjsOuterLayer, nerdamerOuterLayer, type OuterLayer } from '../quantities.ts';
import { FORMULA_REGISTRY } from '../registry.ts';
import { activationFormula } from '../symbolicNetwork.ts';
import { buildSweepCase, caseName, caseParameters, variantOf, type SweepCase } from './cases.ts';
import { caseContext, namedActivation } from './context.ts';
import { curvatureLocal, EngineSkip, lossLocal } from './localLegs.ts';
import { DEEP_ENTRY_IDS, verifyDeepCase } from './deep.ts';

/** What kind of reference a leg is (crosscheck picks the tolerance by kind). */
export type LegKind =
  /** @hsr/numeric's closed forms: a different evaluation order of the same sums. */
  | 'numeric'
  /** A computer-algebra engine's derivative, compiled to float64. */
  | 'engine'
  /** Two definitions of the registry claimed equal (an expanded form, a variant). */
  | 'identity'
  /** The same formula with the same inputs (training steps, optimizer updates). */
  | 'same-formula'
  /** An inequality against the dense spectrum: the measurement is the violation. */
  | 'spectrum'
  /** Lanczos against the dense spectrum. */
  | 'lanczos'
  /** A moment against its exact value over every Rademacher probe (2^P of them). */
  | 'enumeration'
  /** Hutch++ against numeric's, which evaluates the projections in another form; relative to ||H||_F. */
  | 'projections'
  /** XTrace against numeric's, which goes through R^{-T} instead of the leave-one-out bases; relative to ||H||_F. */
  | 'leave-one-out'
  /** @hsr/numeric's gradient against the five-point stencil of the definitions' own value (step 2e-4 (1 + |theta_a|)). */
  | 'five-point';

export interface Measurement {
  /** The registry entry the comparison verifies. */
  readonly entry: string;
  readonly quantity: string;
  readonly leg: string;
  readonly kind: LegKind;
  /** Largest |definition - leg| over the compared entries (the violation, for `spectrum`). */
  readonly maxAbsError: number;
  /** Largest |leg| (the reference's magnitude). */
  readonly scale: number;
  readonly length: number;
}

export interface Skip {
  readonly entry: string;
  readonly leg: string;
  readonly reason: string;
}

export interface CaseResult {
  readonly case: SweepCase;
  readonly name: string;
  readonly measurements: readonly Measurement[];
  readonly skips: readonly Skip[];
  readonly milliseconds: number;
}

/**
 * The largest network each engine's legs run on (parameters P or shape), chosen from timings on
 * the 2-core machine so one case costs seconds: mathjs's entry-wise Hessian at P = 41 takes
 * ~1.5 s, its third derivatives at P = 18 ~1.5 s; nerdamer needs ~3-9 s for second derivatives
 * at P = 8 and ~18 s for third at P = 6; the pair form of T2 is ~5 s at h = 4, c = 5 in mathjs
 * and minutes beyond h = c = 2 in nerdamer.
 */
export interface EngineLimits {
  readonly network: { readonly [E in Engine]: { readonly second: number; readonly third: number } };
  readonly gaussNewton: { readonly [E in Engine]: number };
  /** Largest h * c for the pair forms of T1 and of T2. */
  readonly pairForm: { readonly [E in Engine]: { readonly T1: number; readonly T2: number } };
  /** Largest h * c for the per-sample local derivations. */
  readonly local: { readonly [E in Engine]: number };
}

export const SWEEP_LIMITS: EngineLimits = {
  network: { mathjs: { second: 50, third: 18 }, nerdamer: { second: 8, third: 4 } },
  gaussNewton: { mathjs: 50, nerdamer: 15 },
  pairForm: { mathjs: { T1: 20, T2: 20 }, nerdamer: { T1: 4, T2: 2 } },
  local: { mathjs: 20, nerdamer: 8 },
};

const ENGINES: readonly Engine[] = ['mathjs', 'nerdamer'];

// ---------------------------------------------------------------------------------------------
// Caches of the engines' derivations (they depend on the shape and activation only).

const MAX_CACHED_NETWORKS = 3;
const networks = new Map<string, EntrywiseNetwork | Error>();
function entrywise(engine: Engine, c: SweepCase, formula: string, order: 2 | 3, loss: LossSpec): EntrywiseNetwork {
  const key = `${engine}|${c.inputDim}|${c.hiddenDim}|${c.classes}|${c.bias}|${formula}|${order}|${loss.name}|${loss.labelSmoothing}`;
  let net = networks.get(key);
  if (!net) {
    try {
      net = deriveEntrywise(engine, { inputDim: c.inputDim, hiddenDim: c.hiddenDim, classes: c.classes, bias: c.bias }, formula, order, loss);
    } catch (err) {
      net = err as Error;
    }
    networks.set(key, net);
    while (networks.size > MAX_CACHED_NETWORKS) networks.delete(networks.keys().next().value!);
  }
  if (net instanceof Error) throw net;
  return net;
}

// ---------------------------------------------------------------------------------------------

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

export class Recorder {
  readonly measurements: Measurement[] = [];
  readonly skips: Skip[] = [];
  /** Entries that do not apply to the case, with the reason: their comparisons are recorded as skips. */
  readonly declined = new Map<string, string>();
  constructor(readonly wants: (entry: string) => boolean = () => true) {}
  /** `scale`: the reference's magnitude, by default its largest |entry| (a mean of terms passes the terms' largest). */
  compare(entry: string, quantity: string, leg: string, kind: LegKind, actual: ArrayLike<number>, expected: ArrayLike<number>, scale = maxAbs(expected)): void {
    const declined = this.declined.get(entry);
    if (declined !== undefined) {
      this.skip(entry, leg, declined);
      return;
    }
    let err = actual.length === expected.length ? 0 : Infinity;
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
      const d = Math.abs(actual[i]! - expected[i]!);
      err = Number.isNaN(d) ? Infinity : Math.max(err, d);
    }
    this.measurements.push({ entry, quantity, leg, kind, maxAbsError: err, scale, length: expected.length });
  }
  skip(entry: string, leg: string, reason: string): void {
    if (!this.skips.some((s) => s.entry === entry && s.leg === leg && s.reason === reason)) this.skips.push({ entry, leg, reason });
  }
  /**
   * Run a leg. A leg the engine declines (EngineSkip) or cannot parse (nerdamer's parser
   * overflows its stack on deep expressions) becomes a skip with its reason, which the docs
   * show; any other error propagates.
   */
  leg(entries: readonly string[], leg: string, run: () => void): void {
    if (!entries.some(this.wants)) return;
    try {
      run();
    } catch (err) {
      const e = err as Error;
      const declined = err instanceof EngineSkip ? e.message : e.name === 'ParseError' || /Maximum call stack/.test(e.message) ? `${leg} could not parse the expression (${e.message.split(':')[0]})` : null;
      if (declined === null) throw err;
      for (const entry of entries) this.skip(entry, leg, declined);
    }
  }
}

/** The value of an expression over its free indices, or over `free` (an identity's right side over its left side's: 1 = sigma + sigma-bar). */
function expressionValues(ev: Evaluator, e: Expr, tag: string, free = freeIndices(e)): Float64Array {
  const d = define(`#identity.${tag}`, free, { latex: '', text: '' }, '', e);
  return ev.value(d).data;
}

/** Block-restricted dense matrix in theta order from the three block definitions. */
function assembleBlocks(ev: Evaluator, model: Model, c: SweepCase, blocks: readonly [Definition, Definition, Definition]): Float64Array {
  const { hiddenDim: h, classes: k } = model;
  const dt = model.inputDim + (c.bias ? 1 : 0);
  const ht = h + (c.bias ? 1 : 0);
  const P = h * dt + k * ht;
  const [ww, vv, wv] = blocks.map((b) => ev.value(b).data) as [Float64Array, Float64Array, Float64Array];
  const H = new Float64Array(P * P);
  const first = h * dt;
  for (let a = 0; a < first; a++) for (let b = 0; b < first; b++) H[a * P + b] = ww[a * first + b]!;
  const second = k * ht;
  for (let a = 0; a < second; a++) for (let b = 0; b < second; b++) H[(first + a) * P + first + b] = vv[a * second + b]!;
  for (let a = 0; a < first; a++)
    for (let b = 0; b < second; b++) {
      H[a * P + first + b] = wv[a * second + b]!;
      H[(first + b) * P + a] = wv[a * second + b]!;
    }
  const { start, end } = blockRange(model, c.block);
  const size = end - start;
  const out = new Float64Array(size * size);
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) out[a * size + b] = H[(start + a) * P + start + b]!;
  return out;
}

const gradientOf = (ev: Evaluator, W: Definition, Vd: Definition) => Float64Array.from([...ev.value(W).data, ...ev.value(Vd).data]);

/** Options of one case: the engine limits and, for `hsr derive`, an activation given by formula. */
export interface RunOptions {
  readonly limits?: EngineLimits;
  /** An activation formula in u instead of the case's named activation (numeric's legs then do not run). */
  readonly formula?: string;
  /** phi..phi''' of that formula, as numbers (from the verified engine derivation). */
  readonly formulaFunctions?: ActivationFunctions;
  /** Run only the legs of these entries (default all). */
  readonly entries?: ReadonlySet<string>;
  /** Definitions evaluated in place of the registry's of the same name (a deliberate mutant, in the tests). */
  readonly overrides?: readonly Definition[];
}

/** Verify every definition on one case. */
export function verifyCase(c: SweepCase, options: RunOptions = {}): CaseResult {
  if (c.hidden) return verifyDeepCase(c, options);
  const started = performance.now();
  const limits = options.limits ?? SWEEP_LIMITS;
  // The case's row of the loss table (its model carries the same loss for numeric).
  const loss = LOSS_DEFINITIONS[c.loss ?? 'cross-entropy'];
  const userFormula = options.formula !== undefined;
  const formula = options.formula ?? activationFormula(c.activation);
  const { model, data } = buildSweepCase(c);
  const variant = variantOf(c);
  const P = caseParameters(c);
  const wants = (entry: string) => !options.entries || options.entries.has(entry);
  const rec = new Recorder(wants);
  const activation = options.formulaFunctions ?? namedActivation(model);

  // A seeded direction for the Hessian-vector product, zero outside the block.
  const { start, end } = blockRange(model, c.block);
  const direction = Float64Array.from({ length: P }, (_, a) => (a >= start && a < end ? Math.sin(1.7 * a + c.seed) : 0));
  const dt = c.inputDim + (c.bias ? 1 : 0);
  const ht = c.hiddenDim + (c.bias ? 1 : 0);
  const first = c.hiddenDim * dt;
  const extra = new Map<string, Tensor | number>([
    [DIRECTION_W.name, tensor([c.hiddenDim, dt], direction.subarray(0, first))],
    [DIRECTION_V.name, tensor([c.classes, ht], direction.subarray(first))],
  ]);
  const overrides = options.overrides ?? [];
  const ev = new Evaluator(caseContext({ model, data, variant, activation, loss, extra, overrides }));
  const hessianCurvature = c.curvature === 'hessian';

  // The block's matrix from the definitions (the CAS-checked reference for the spectrum checks).
  const Hdef = assembleBlocks(ev, model, c, [H_WW, H_VV, H_WV]);
  const size = end - start;
  const eig = symmetricEigenvalues({ size, data: Hdef });
  const lambdaMax = eig[eig.length - 1]!;
  const lambdaMin = eig[0]!;
  // The inequalities read the spectrum through inputs of their own.
  const evSpectrum = new Evaluator(caseContext({ model, data, variant, activation, loss, overrides, extra: new Map([...extra, [LAMBDA_MAX.name, lambdaMax], [LAMBDA_MIN.name, lambdaMin]]) }));

  const N = c.samples;
  const h = c.hiddenDim;
  const k = c.classes;
  const perSample = (def: Definition) => ev.value(def).data;
  // Every eigenvalue of the block equal (mse's second block with h~ = 1 is a multiple of I): s = 0,
  // where the bounds are not differentiable (numeric returns its degenerate convention instead).
  const spreadZero = ev.scalar(SPREAD_SQUARED) === 0;
  if (spreadZero) rec.declined.set('bound-gradient', 's = 0 (every eigenvalue of the block equal): the bounds are not differentiable there');

  // ---- @hsr/numeric -------------------------------------------------------------------------
  if (!userFormula) {
    const fp = forwardPass(model, data);
    const sc = sampleCurvature(model, fp, c.curvature);
    rec.compare('biases', 'x~', 'numeric forwardPass', 'numeric', perSample(XT), fp.xt);
    rec.compare('biases', 'z~', 'numeric forwardPass', 'numeric', perSample(ZT), fp.zt);
    rec.compare('loss', 'u', 'numeric forwardPass', 'numeric', perSample(U), fp.u);
    rec.compare('loss', 'v', 'numeric forwardPass', 'numeric', perSample(LOGITS), fp.v);
    rec.compare('loss', 'L', 'numeric loss', 'numeric', [ev.scalar(LOSS)], [numericLoss(model, data, c.reduction)]);
    rec.compare(loss.entry, 'ell', 'numeric forwardPass', 'numeric', ev.value(loss.ell).data, fp.losses);
    rec.compare(loss.entry, 'g', 'numeric forwardPass', 'numeric', ev.value(G).data, fp.g);
    rec.compare(loss.entry, 'S', 'numeric sampleCurvature', 'numeric', ev.value(S).data, sc.S);
    rec.compare('loss-gradient', 'delta', 'numeric sampleCurvature', 'numeric', perSample(DELTA), sc.delta);
    rec.compare('loss-gradient', 'dL/dtheta', 'numeric lossGradient', 'numeric', gradientOf(ev, LOSS_GRADIENT_W, LOSS_GRADIENT_V), lossGradient(model, data, c.reduction).gradient);
    rec.compare('a-n', 'A', 'numeric sampleCurvature', 'numeric', perSample(A), sc.A);
    rec.compare('c-n', 'C', 'numeric sampleCurvature', 'numeric', perSample(C), sc.C);
    const dense = denseHessian(model, data, variant).data;
    rec.compare(hessianCurvature ? 'hessian-blocks' : 'gauss-newton', 'H', 'numeric denseHessian', 'numeric', Hdef, dense);
    if (!hessianCurvature) rec.compare('gauss-newton', 'G', 'numeric denseHessian', 'numeric', assembleBlocks(ev, model, c, [G_WW, G_VV, G_WV]), dense);
    rec.compare('hessian-diagonal', 'diag H', 'numeric hessianDiagonal', 'numeric', diagonalOf(ev, c), hessianDiagonal(model, data, variant, fp));
    rec.compare('trace-h', 'K^x', 'numeric/internal gramMatrix', 'numeric', perSample(KX), gramMatrix(fp.xt, N, fp.augmentedInputDim));
    rec.compare('trace-h', 'K^z', 'numeric/internal gramMatrix', 'numeric', perSample(KZ), gramMatrix(fp.zt, N, fp.augmentedHiddenDim));
    const tr = hessianTraces(model, data, variant);
    rec.compare('trace-h', 'T1', 'numeric hessianTraces', 'numeric', [ev.scalar(T1)], [tr.traceH]);
    rec.compare('trace-h2', 'T2', 'numeric hessianTraces', 'numeric', [ev.scalar(T2)], [tr.traceH2]);
    const inner = new Float64Array(N * N);
    const rule = NUMERIC_LOSSES[loss.name];
    for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) inner[n * N + m] = rule.curvatureInner(fp.v, fp.p, n, m, k);
    rec.compare('softmax-inner', '<S,S>', 'numeric LOSSES curvatureInner', 'numeric', perSample(SS), inner);
    const Pb = ev.scalar(PB);
    rec.compare('ws-bounds', 'P', 'numeric parameterCount', 'numeric', [Pb], [parameterCount(model, c.block)]);
    const ws = wolkowiczStyanBounds(ev.scalar(T1), ev.scalar(T2), Pb);
    rec.compare(
      'ws-bounds',
      'bounds',
      'numeric wolkowiczStyanBounds',
      'numeric',
      [MEAN, SPREAD, LAMBDA_MAX_UPPER, LAMBDA_MAX_LOWER, LAMBDA_MIN_UPPER, LAMBDA_MIN_LOWER].map((d) => ev.scalar(d)),
      [ws.mean, ws.spread, ws.lambdaMaxUpper, ws.lambdaMaxLower, ws.lambdaMinUpper, ws.lambdaMinLower],
    );
    rec.compare('range-bound', 'range', 'numeric wolkowiczStyanBounds', 'numeric', [ev.scalar(RANGE_UPPER)], [ws.rangeUpper]);
    rec.compare('s2-clamp', 's^2', 'numeric wolkowiczStyanBounds', 'numeric', [ev.scalar(SPREAD_SQUARED)], [ws.spread ** 2]);
    // alpha, beta: numeric's outer chain rule applied to unit gradients of T1 and T2.
    const unit = { traceH: ev.scalar(T1), traceH2: ev.scalar(T2), parameters: Pb, gradTraceH: Float64Array.of(1, 0), gradTraceH2: Float64Array.of(0, 1) };
    const outer = (['upper', 'lower', 'range'] as const).flatMap((of) => Array.from(boundGradientFromTraces(unit, of).gradient));
    rec.compare(
      'bound-gradient',
      'alpha, beta',
      'numeric boundGradientFromTraces',
      'numeric',
      [ALPHA, BETA, ALPHA_LOWER, BETA_LOWER, ALPHA_RANGE, BETA_RANGE].map((d) => ev.scalar(d)),
      outer,
    );
    const tg = traceGradients(model, data, variant);
    rec.compare('grad-assembly', 'dT1/dtheta', 'numeric traceGradients', 'numeric', gradientOf(ev, T1_GRADIENT.gradW, T1_GRADIENT.gradV), tg.gradTraceH);
    rec.compare('grad-assembly', 'dT2/dtheta', 'numeric traceGradients', 'numeric', gradientOf(ev, T2_GRADIENT.gradW, T2_GRADIENT.gradV), tg.gradTraceH2);
    for (const [of, g] of [
      ['upper', UPPER_GRADIENT],
      ['lower', LOWER_GRADIENT],
      ['range', RANGE_GRADIENT],
    ] as const)
      rec.compare('bound-gradient', `d${of}/dtheta`, 'numeric boundGradient', 'numeric', gradientOf(ev, g.W, g.V), boundGradient(model, data, variant, of as BoundKind).gradient);
    const hv = hessianVectorProduct(model, data, variant, direction.slice(start, end));
    rec.compare('hessian-vector-product', 'Hv', 'numeric hessianVectorProduct', 'numeric', gradientOf(ev, HVP_OUT_W, HVP_OUT_V).slice(start, end), hv);
    const lz = extremeEigenvalues(model, data, variant, { tol: 1e-11, seed: c.seed });
    rec.compare('lanczos', 'extremes', 'dense spectrum of the checked Hessian', 'lanczos', [lz.lambdaMax, lz.lambdaMin], [lambdaMax, lambdaMin]);
    if (['training-updates', 'optimizer-sgd', 'optimizer-momentum', 'optimizer-adam', 'relative-sharpness'].some(wants)) trainingLegs(rec, model, data, c);
    activationLeg(rec, c.activation, 'numeric ACTIVATIONS', (kth, u) => ACTIVATIONS[c.activation].all(u)[kth]!);
  } else {
    for (const e of FORMULA_REGISTRY) rec.skip(e.id, 'numeric', '@hsr/numeric evaluates its five named activations only, not a formula');
  }

  // ---- the estimators (definitions over the block's matrix and the probes) -------------------
  const estimatorEvaluators = ESTIMATOR_ENTRIES.some(wants) ? estimatorLegs(rec, c, Hdef, eig, overrides, ev.scalar(T1), ev.scalar(T2)) : new Map<string, Evaluator>();

  // ---- identities and the spectrum ----------------------------------------------------------
  for (const e of FORMULA_REGISTRY) {
    // The general-depth formulas are evaluated layer by layer on deep cases (deep.ts).
    if (DEEP_ENTRY_IDS.has(e.id)) continue;
    // The estimators' formulas live in their own evaluators (their ranges are the probes').
    const estimator = ESTIMATOR_EVALUATED.has(e.id);
    const own = estimatorEvaluators.get(e.id);
    if (estimator && !own) continue;
    for (const [di, d] of e.displays.entries())
      for (const [fi, f] of d.formulas.entries()) {
        // A formula about one loss's own quantities (the softmax, the sigmoid) holds for that loss only.
        if (!lossesOfFormula(f).includes(loss)) continue;
        // The expanded radius holds while s^2 is not clamped; at s = 0 its radicand is round-off of either sign.
        if (f.kind === 'identity' && e.id === 'ws-bounds' && spreadZero) {
          rec.skip(e.id, 'its expanded form', 's = 0 (every eigenvalue of the block equal): the expanded radius holds while s^2 is not clamped');
          continue;
        }
        if (f.kind === 'identity')
          rec.compare(
            e.id,
            renderExpression(f.lhs, 'text'),
            'its expanded form',
            'identity',
            expressionValues(own ?? ev, f.lhs, `${e.id}.${di}.${fi}.l`),
            expressionValues(own ?? ev, f.rhs, `${e.id}.${di}.${fi}.r`, freeIndices(f.lhs)),
          );
        if (f.kind === 'inequality') {
          const chain = f.chain.map((x, q) => expressionValues(own ?? evSpectrum, x, `${e.id}.${di}.${fi}.${q}`)[0]!);
          let violation = 0;
          for (let q = 1; q < chain.length; q++) violation = Math.max(violation, chain[q - 1]! - chain[q]!);
          rec.measurements.push({
            entry: e.id,
            quantity: renderFormula(f, 'text'),
            leg: 'dense spectrum of the checked Hessian',
            kind: 'spectrum',
            maxAbsError: Number.isNaN(violation) ? Infinity : Math.max(violation, 0),
            // A bound on a spectral quantity is judged relative to the spectrum; any other (a kurtosis) relative to its own size.
            scale: own ? Math.max(...chain.map(Math.abs)) : Math.abs(lambdaMax) + Math.abs(lambdaMin),
            length: 1,
          });
        }
      }
  }
  // The closed-form diagonal is the diagonal of the blocks' matrix.
  rec.compare(
    'hessian-diagonal',
    'diag H',
    'diagonal of the Hessian blocks',
    'identity',
    diagonalOf(ev, c),
    Float64Array.from({ length: size }, (_, q) => Hdef[q * size + q]!),
  );
  if (!hessianCurvature) {
    rec.compare('gauss-newton', 'G', 'the Hessian blocks with 1_H = 0', 'identity', assembleBlocks(ev, model, c, [G_WW, G_VV, G_WV]), Hdef);
  }
  rec.compare('hessian-vector-product', 'Hv', 'the Hessian blocks times v', 'identity', gradientOf(ev, HVP_OUT_W, HVP_OUT_V).slice(start, end), matVec(Hdef, direction.slice(start, end)));
  // T1 and T2 are the trace and the squared Frobenius norm of the blocks' matrix.
  rec.compare('trace-h', 'T1', 'trace of the Hessian blocks', 'identity', [ev.scalar(T1)], [trace(Hdef, size)]);
  rec.compare('trace-h2', 'T2', 'squared norm of the Hessian blocks', 'identity', [ev.scalar(T2)], [sumSquares(Hdef)]);

  // ---- the engines -------------------------------------------------------------------------
  const theta = flattenParameters(model);
  for (const engine of ENGINES) {
    const tag = engine;
    // The loss in the logits: g, S, S3.
    rec.leg([loss.entry, 'softmax-inner'], tag, () => {
      const v = perSample(LOGITS);
      const ell = new Float64Array(N);
      const g = new Float64Array(N * k);
      const Sm = new Float64Array(N * k * k);
      const S3 = new Float64Array(N * k * k * k);
      for (let n = 0; n < N; n++) {
        const r = lossLocal(engine, loss, v.subarray(n * k, (n + 1) * k), data.y[n]!);
        ell[n] = r.ell;
        g.set(r.g, n * k);
        Sm.set(r.S, n * k * k);
        S3.set(r.S3, n * k * k * k);
      }
      rec.compare(loss.entry, 'ell', `${tag}: the loss in the logits`, 'engine', ev.value(loss.ell).data, ell);
      rec.compare(loss.entry, 'g', `${tag}: d ell/dv`, 'engine', ev.value(G).data, g);
      rec.compare(loss.entry, 'S', `${tag}: d^2 ell/dv^2`, 'engine', ev.value(S).data, Sm);
      rec.compare(loss.entry, 'S3', `${tag}: d^3 ell/dv^3`, 'engine', ev.value(loss.S3).data, S3);
      const inner = new Float64Array(N * N);
      for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) for (let q = 0; q < k * k; q++) inner[n * N + m]! += Sm[n * k * k + q]! * Sm[m * k * k + q]!;
      rec.compare('softmax-inner', '<S,S>', `${tag}: d^2 ell/dv^2`, 'engine', perSample(SS), inner);
      for (const f of loss.nerdamerForms)
        rec.compare(loss.entry, `${f.name}, nerdamer's form`, `the loss's own ${f.name}`, 'identity', new Evaluator({ ...ev.context, definitions: new Map([[f.name, f]]) }).value(f).data, ev.value(f).data);
    });
    // The loss in the pre-activations: A_n and C_n.
    if (h * k > limits.local[engine]) rec.skip('a-n', tag, `h c = ${h * k} above the ${engine} limit ${limits.local[engine]} for the per-sample derivation`);
    else
      rec.leg(['a-n', 'c-n'], tag, () => {
        const u = perSample(U);
        const Vv = ev.value(V).data;
        const a = new Float64Array(k);
        if (model.a) a.set(model.a);
        const Acas = new Float64Array(N * h * h);
        const Ccas = new Float64Array(N * k * h);
        for (let n = 0; n < N; n++) {
          const r = curvatureLocal(engine, loss, formula, u.subarray(n * h, (n + 1) * h), Vv, a, data.y[n]!);
          Acas.set(r.A, n * h * h);
          Ccas.set(r.C, n * k * h);
        }
        if (hessianCurvature) rec.compare('a-n', 'A', `${tag}: d^2 ell_n/du^2`, 'engine', perSample(A), Acas);
        rec.compare('c-n', 'C', `${tag}: d^2 ell_n/da du`, 'engine', perSample(C), Ccas);
      });
    // Entry-wise derivatives of the per-sample loss in the parameters.
    if (hessianCurvature) {
      if (NETWORK_ENTRIES.some(wants)) networkLegs(rec, engine, c, formula, limits, model, data, theta, ev, Hdef, direction, start, end, loss.spec);
    } else if (P > limits.gaussNewton[engine]) for (const e of ['gauss-newton', 'hessian-diagonal']) rec.skip(e, tag, `P = ${P} above the ${engine} limit ${limits.gaussNewton[engine]} for J^T S J`);
    else
      rec.leg(['gauss-newton', 'hessian-diagonal'], tag, () => {
        if (engine === 'mathjs' && /\berf\s*\(/.test(formula)) throw new EngineSkip('mathjs 15.2.0 cannot differentiate erf');
        const gn = deriveGaussNewton({ inputDim: c.inputDim, hiddenDim: h, classes: k, bias: c.bias }, formula, engine, loss.spec).evaluate(model, data, c.reduction, c.block);
        rec.compare('gauss-newton', 'G', `${tag}: J^T S J from its derivatives of the logits`, 'engine', assembleBlocks(ev, model, c, [G_WW, G_VV, G_WV]), gn.matrix);
        rec.compare(
          'hessian-diagonal',
          'diag H',
          `${tag}: diagonal of J^T S J`,
          'engine',
          diagonalOf(ev, c),
          Float64Array.from({ length: size }, (_, q) => gn.matrix[q * size + q]!),
        );
      });
    // The outer layer: bounds and alpha, beta from the definitions' T1, T2, P.
    rec.leg(['ws-bounds', 'bound-gradient'], tag, () => {
      const outer: OuterLayer = engine === 'mathjs' ? mathjsOuterLayer() : nerdamerOuterLayer();
      const t1 = ev.scalar(T1);
      const t2 = ev.scalar(T2);
      const Pb = ev.scalar(PB);
      const b = outer.bounds(t1, t2, Pb);
      rec.compare(
        'ws-bounds',
        'bounds',
        `${tag}: the bounds from T1, T2, P`,
        'engine',
        [MEAN, SPREAD, LAMBDA_MAX_UPPER, LAMBDA_MAX_LOWER, LAMBDA_MIN_UPPER, LAMBDA_MIN_LOWER].map((d) => ev.scalar(d)),
        [b.mean, b.spread, b.lambdaMaxUpper, b.lambdaMaxLower, b.lambdaMinUpper, b.lambdaMinLower],
      );
      rec.compare('range-bound', 'range', `${tag}: the bounds from T1, T2, P`, 'engine', [ev.scalar(RANGE_UPPER)], [b.rangeUpper]);
      rec.compare('ws-bounds', 'R', `${tag}: the bounds from T1, T2, P`, 'engine', [ev.scalar(RADIUS)], [b.lambdaMaxUpper - b.mean]);
      // Declined (s = 0): the engine's derivative is undefined there, so it is not evaluated.
      const ab = rec.declined.has('bound-gradient')
        ? []
        : (['upper', 'lower', 'range'] as const).flatMap((of) => {
            const r = outer.outer(t1, t2, Pb, of);
            return [r.alpha, r.beta];
          });
      rec.compare(
        'bound-gradient',
        'alpha, beta',
        `${tag}: d bound/d T1, d bound/d T2`,
        'engine',
        [ALPHA, BETA, ALPHA_LOWER, BETA_LOWER, ALPHA_RANGE, BETA_RANGE].map((d) => ev.scalar(d)),
        ab,
      );
    });
    // T1 and T2 written out in their building blocks (the seeds) and in u, v, V (the explicit partials).
    for (const [name, T, seeds, grad] of [
      ['T1', T1, T1_SEEDS, T1_GRADIENT],
      ['T2', T2, T2_SEEDS, T2_GRADIENT],
    ] as const) {
      const limit = limits.pairForm[engine][name];
      if (h * k > limit) {
        rec.skip('trace-gradient', tag, `h c = ${h * k} above the ${engine} limit ${limit} for ${name} written out`);
        rec.skip('explicit-partials', tag, `h c = ${h * k} above the ${engine} limit ${limit} for ${name} written out`);
        continue;
      }
      rec.leg(['trace-gradient', 'explicit-partials'], tag, () => {
        if (engine === 'mathjs' && /\berf\s*\(/.test(formula)) throw new EngineSkip('mathjs 15.2.0 cannot differentiate erf');
        const forms = engine === 'nerdamer' ? loss.nerdamerForms : [];
        seedLeg(rec, engine, ev, T, seeds, formula, forms, name);
        partialsLeg(rec, engine, ev, T, grad, formula, forms, name);
      });
    }
    // The activation's derivatives by the engine.
    if (!userFormula) rec.leg([`activation-${c.activation}`], tag, () => engineActivationLeg(rec, engine, c.activation));
  }
  return { case: c, name: caseName(c), measurements: rec.measurements.filter((m) => wants(m.entry)), skips: rec.skips.filter((s) => wants(s.entry)), milliseconds: performance.now() - started };
}

export function matVec(M: Float64Array, v: Float64Array): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let b = 0; b < n; b++) s += M[a * n + b]! * v[b]!;
    out[a] = s;
  }
  return out;
}
export const trace = (M: Float64Array, n: number) => {
  let s = 0;
  for (let a = 0; a < n; a++) s += M[a * n + a]!;
  return s;
};
export const sumSquares = (M: Float64Array) => M.reduce((s, x) => s + x * x, 0);

const NETWORK_ENTRIES = ['loss', 'loss-gradient', 'hessian-blocks', 'hessian-diagonal', 'trace-h', 'trace-h2', 'gamma-nm', 'hessian-vector-product', 'grad-assembly', 'bound-gradient'];

/** The engines' entry-wise Hessian (and, for small P, third derivatives) against the definitions. */
function networkLegs(
  rec: Recorder,
  engine: Engine,
  c: SweepCase,
  formula: string,
  limits: EngineLimits,
  model: Model,
  data: Dataset,
  theta: Float64Array,
  ev: Evaluator,
  Hdef: Float64Array,
  direction: Float64Array,
  start: number,
  end: number,
  lossSpec: LossSpec,
): void {
  const P = caseParameters(c);
  const tag = engine;
  const entries = NETWORK_ENTRIES;
  if (P > limits.network[engine].second) {
    for (const e of entries) rec.skip(e, tag, `P = ${P} above the ${engine} limit ${limits.network[engine].second} for entry-wise second derivatives`);
    return;
  }
  const order: 2 | 3 = P <= limits.network[engine].third ? 3 : 2;
  if (order === 2) for (const e of ['grad-assembly', 'bound-gradient']) rec.skip(e, `${tag} third derivatives`, `P = ${P} above the ${engine} limit ${limits.network[engine].third} for entry-wise third derivatives`);
  rec.leg(entries, tag, () => {
    if (engine === 'mathjs' && /\berf\s*\(/.test(formula)) throw new EngineSkip('mathjs 15.2.0 cannot differentiate erf');
    const net = entrywise(engine, c, formula, order, lossSpec);
    const N = c.samples;
    const d = c.inputDim;
    const kappa = c.reduction === 'mean' ? 1 / N : 1;
    let lossValue = 0;
    const gradient = new Float64Array(P);
    const H = new Float64Array(P * P);
    const third = order === 3 ? new Float64Array(P * P * P) : null;
    const samples: Float64Array[] = [];
    for (let n = 0; n < N; n++) {
      const s = net.sample(theta, data.X.subarray(n * d, (n + 1) * d), data.y[n]!);
      lossValue += kappa * s.loss;
      for (let a = 0; a < P; a++) gradient[a]! += kappa * s.gradient[a]!;
      for (let a = 0; a < P * P; a++) H[a]! += kappa * s.hessian[a]!;
      if (third && s.third) for (let a = 0; a < P * P * P; a++) third[a]! += kappa * s.third[a]!;
      samples.push(s.hessian);
    }
    rec.compare('loss', 'L', `${tag}: the per-sample loss`, 'engine', [ev.scalar(LOSS)], [lossValue]);
    rec.compare('loss-gradient', 'dL/dtheta', `${tag}: entry-wise gradient`, 'engine', gradientOf(ev, LOSS_GRADIENT_W, LOSS_GRADIENT_V), gradient);
    const size = end - start;
    const Hb = new Float64Array(size * size);
    for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) Hb[a * size + b] = H[(start + a) * P + start + b]!;
    rec.compare('hessian-blocks', 'H', `${tag}: entry-wise Hessian`, 'engine', Hdef, Hb);
    rec.compare(
      'hessian-diagonal',
      'diag H',
      `${tag}: diagonal of the entry-wise Hessian`,
      'engine',
      diagonalOf(ev, c),
      Float64Array.from({ length: size }, (_, q) => Hb[q * size + q]!),
    );
    rec.compare('trace-h', 'T1', `${tag}: sum of its diagonal`, 'engine', [ev.scalar(T1)], [trace(Hb, size)]);
    rec.compare('trace-h2', 'T2', `${tag}: sum of its squared entries`, 'engine', [ev.scalar(T2)], [sumSquares(Hb)]);
    rec.compare('hessian-vector-product', 'Hv', `${tag}: entry-wise Hessian times v`, 'engine', gradientOf(ev, HVP_OUT_W, HVP_OUT_V).slice(start, end), matVec(Hb, direction.slice(start, end)));
    if (c.block === 'all') {
      // The three pair terms of T2, pair by pair, from the per-sample Hessians (without kappa).
      const first = blockRange(model, 'first').end;
      const pair = (a0: number, a1: number, b0: number, b1: number) => {
        const out = new Float64Array(N * N);
        for (let n = 0; n < N; n++)
          for (let m = 0; m < N; m++) {
            let s = 0;
            for (let a = a0; a < a1; a++) for (let b = b0; b < b1; b++) s += samples[n]![a * P + b]! * samples[m]![a * P + b]!;
            out[n * N + m] = s;
          }
        return out;
      };
      const kx = ev.value(KX).data;
      const kz = ev.value(KZ).data;
      const aa = ev.value(AA).data;
      const ss = ev.value(SS).data;
      const gm = ev.value(GAMMA).data;
      rec.compare(
        'trace-h2',
        '(K^x)^2 <A,A>',
        `${tag}: per-sample first-layer blocks, pair by pair`,
        'engine',
        Float64Array.from(kx, (x, q) => x * x * aa[q]!),
        pair(0, first, 0, first),
      );
      rec.compare(
        'trace-h2',
        '(K^z)^2 <S,S>',
        `${tag}: per-sample second-layer blocks, pair by pair`,
        'engine',
        Float64Array.from(kz, (z, q) => z * z * ss[q]!),
        pair(first, P, first, P),
      );
      rec.compare(
        'gamma-nm',
        'K^x Gamma',
        `${tag}: per-sample cross blocks, pair by pair`,
        'engine',
        Float64Array.from(kx, (x, q) => x * gm[q]!),
        pair(0, first, first, P),
      );
    }
    if (third) {
      const gT1 = new Float64Array(P);
      const gT2 = new Float64Array(P);
      for (let q = 0; q < P; q++)
        for (let a = start; a < end; a++) {
          gT1[q]! += third[(a * P + a) * P + q]!;
          for (let b = start; b < end; b++) gT2[q]! += 2 * H[a * P + b]! * third[(a * P + b) * P + q]!;
        }
      rec.compare('grad-assembly', 'dT1/dtheta', `${tag}: third derivatives`, 'engine', gradientOf(ev, T1_GRADIENT.gradW, T1_GRADIENT.gradV), gT1);
      rec.compare('grad-assembly', 'dT2/dtheta', `${tag}: third derivatives`, 'engine', gradientOf(ev, T2_GRADIENT.gradW, T2_GRADIENT.gradV), gT2);
      const outer = engine === 'mathjs' ? mathjsOuterLayer() : nerdamerOuterLayer();
      const t1 = trace(Hb, size);
      const t2 = sumSquares(Hb);
      for (const [of, g] of [
        ['upper', UPPER_GRADIENT],
        ['lower', LOWER_GRADIENT],
        ['range', RANGE_GRADIENT],
      ] as const) {
        const { alpha, beta } = rec.declined.has('bound-gradient') ? { alpha: Number.NaN, beta: Number.NaN } : outer.outer(t1, t2, size, of);
        rec.compare(
          'bound-gradient',
          `d${of}/dtheta`,
          `${tag}: third derivatives and its outer layer`,
          'engine',
          gradientOf(ev, g.W, g.V),
          Float64Array.from(gT1, (x, q) => alpha * x + beta * gT2[q]!),
        );
      }
    }
  });
}

function seedLeg(rec: Recorder, engine: Engine, ev: Evaluator, T: Definition, seeds: TraceSeeds, formula: string, forms: readonly Definition[], name: string): void {
  const pairs: [TensorSymbol, Definition][] = [
    [A, seeds.Abar],
    [C, seeds.Cbar],
    [KZ, seeds.Kzbar],
    [S, seeds.Sbar0],
    [G, seeds.gbar0],
    [PHI1, seeds.phi1bar0],
    [Z, seeds.zbar0],
  ];
  const variables = pairs.map(([v]) => v);
  const form = pairForm(engine, T, new Set(variables.map((v) => v.name)), ev, formula, forms);
  const d = differentiatePairForm(form, ev, variables);
  for (const [v, seed] of pairs)
    rec.compare('trace-gradient', `${seed.name.split('.')[0]} of ${name}`, `${engine}: d${name}/d${v.name}, ${name} written in its building blocks`, 'engine', ev.value(seed).data, d.get(v.name)!);
}

function partialsLeg(rec: Recorder, engine: Engine, ev: Evaluator, T: Definition, grad: TraceGradientDefinitions, formula: string, forms: readonly Definition[], name: string): void {
  const pairs: [TensorSymbol, Definition][] = [
    [U, grad.ru],
    [LOGITS, grad.rv],
    [V, grad.RV],
  ];
  const variables = pairs.map(([v]) => v);
  const form = pairForm(engine, T, new Set(variables.map((v) => v.name)), ev, formula, forms);
  const d = differentiatePairForm(form, ev, variables);
  for (const [v, partial] of pairs)
    rec.compare('explicit-partials', `${partial.name.split('.')[0]} of ${name}`, `${engine}: d${name}/d${v.name}, ${name} written in u, v, V`, 'engine', ev.value(partial).data, d.get(v.name)!);
}

/** Points the activation definitions are compared at: both signs, near and away from 0, not saturated. */
const ACTIVATION_POINTS = [-2.1, -0.7, 0.05, 0.9, 2.6];

function activationValues(name: keyof typeof ACTIVATION_DEFINITIONS): Float64Array {
  const defs = ACTIVATION_DEFINITIONS[name];
  const out: number[] = [];
  for (const u of ACTIVATION_POINTS) {
    const ev = new Evaluator({ sizes: sizesOf({}), inputs: new Map([[U_SCALAR.name, u]]) });
    for (const d of defs.derivatives) out.push(ev.scalar(d));
  }
  return Float64Array.from(out);
}

function activationLeg(rec: Recorder, name: keyof typeof ACTIVATION_DEFINITIONS, leg: string, value: (k: number, u: number) => number): void {
  const expected = ACTIVATION_POINTS.flatMap((u) => [0, 1, 2, 3].map((q) => value(q, u)));
  rec.compare(`activation-${name}`, "phi..phi'''", leg, 'numeric', activationValues(name), expected);
}

const engineActivations = new Map<string, ((u: number) => number)[]>();
function engineActivationLeg(rec: Recorder, engine: Engine, name: keyof typeof ACTIVATION_DEFINITIONS): void {
  const formula = ACTIVATIONS[name].formula;
  const key = `${engine}:${formula}`;
  let fns = engineActivations.get(key);
  if (!fns) {
    if (engine === 'nerdamer') fns = compileActivation(formula);
    else {
      if (/\berf\s*\(/.test(formula)) throw new EngineSkip('mathjs 15.2.0 cannot differentiate erf');
      const nodes = [math.parse(formula)];
      for (let q = 1; q <= 3; q++) nodes.push(mathjsDerivative(nodes[q - 1]!, 'u'));
      fns = nodes.map((n) => {
        const f = compileMathjsArray(n, ['u']);
        return (u: number) => f([u]);
      });
    }
    engineActivations.set(key, fns);
  }
  const expected = ACTIVATION_POINTS.flatMap((u) => fns!.map((f) => f(u)));
  rec.compare(`activation-${name}`, "phi..phi'''", `${engine}: its derivatives of the formula`, 'engine', activationValues(name), expected);
}

const METHODS: readonly TrainingMethod[] = ['plain', 'hsr-step', 'hsr-penalty', 'sam'];
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

/** One full-batch step of numeric's train per method and optimizer, and three optimizer steps, against the definitions. */
function trainingLegs(rec: Recorder, model: Model, data: Dataset, c: SweepCase): void {
  const theta = flattenParameters(model);
  const P = theta.length;
  const hyper = { eta: 0.05, rho: 0.03, lambda: 0.2, mu: 0.9, omega: 0.01, beta1: 0.9, beta2: 0.999, epsAdam: 1e-8 };
  const sizes = sizesOf({ theta: P });
  const gradL = lossGradient(model, data, 'mean').gradient;
  const variant = variantOf(c);
  const bg = boundGradient(model, data, variant, 'upper');
  const perturbedFrom = (eps: Float64Array) =>
    lossGradient(
      unflattenParameters(
        model,
        theta.map((t, a) => t + eps[a]!),
      ),
      data,
      'mean',
    ).gradient;
  const vec = (x: ArrayLike<number>) => tensor([P], x);
  const base = new Map<string, Tensor | number>([
    [training.THETA.name, vec(theta)],
    [training.GRAD_L.name, vec(gradL)],
    [training.GRAD_U.name, vec(bg.gradient)],
    [training.ETA.name, hyper.eta],
    [training.RHO.name, hyper.rho],
    [training.LAMBDA.name, hyper.lambda],
    [training.MU.name, hyper.mu],
    [training.OMEGA.name, hyper.omega],
    [training.BETA1.name, hyper.beta1],
    [training.BETA2.name, hyper.beta2],
    [training.EPSILON.name, hyper.epsAdam],
    [training.STEP.name, 1],
    [training.MOMENT1.name, vec(new Float64Array(P))],
    [training.MOMENT2.name, vec(new Float64Array(P))],
  ]);
  const epsilon = new Evaluator({ sizes, inputs: base }).value(training.SAM_EPSILON).data;
  base.set(training.GRAD_L_SAM.name, vec(perturbedFrom(epsilon)));
  const optimizerDefinition: Record<OptimizerName, Definition> = { sgd: training.SGD, momentum: training.MOMENTUM, adam: training.ADAM };
  const skipped = !(bg.gradient.some((x) => x !== 0) && !bg.degenerate);
  for (const method of METHODS)
    for (const optimizer of OPTIMIZERS) {
      const inputs = new Map(base);
      const direction = method === 'hsr-penalty' ? training.DIR_PENALTY : method === 'sam' ? training.DIR_SAM : training.DIR_PLAIN;
      const regularised = method === 'hsr-step' || method === 'hsr-penalty';
      const directionEv = new Evaluator({ sizes, inputs });
      const dir = regularised && skipped ? directionEv.value(training.DIR_PLAIN) : directionEv.value(direction);
      inputs.set(training.DIRECTION.name, dir);
      const stepEv = new Evaluator({ sizes, inputs });
      const next = Float64Array.from(stepEv.value(optimizerDefinition[optimizer]).data);
      if (method === 'hsr-step' && !skipped) {
        const delta = stepEv.value(training.HSR_STEP).data;
        for (let a = 0; a < P; a++) next[a]! += delta[a]!;
      }
      const result = train(model, data, null, {
        method,
        optimizer,
        learningRate: hyper.eta,
        momentum: hyper.mu,
        rho: hyper.rho,
        lambda: hyper.lambda,
        batchSize: null,
        weightDecay: hyper.omega,
        epochs: 1,
        seed: 0,
        metricsEvery: 1,
        variant,
      });
      rec.compare('training-updates', `${method} + ${optimizer}`, 'numeric train, one full-batch step', 'same-formula', next, flattenParameters(result.model));
    }
  // Three steps of each optimizer along fixed directions.
  for (const optimizer of OPTIMIZERS) {
    const opt = createOptimizer({ name: optimizer, learningRate: hyper.eta, momentum: hyper.mu, weightDecay: hyper.omega }, P);
    const numericTheta = Float64Array.from(theta);
    let defTheta = Float64Array.from(theta);
    let m = new Float64Array(P);
    let v = new Float64Array(P);
    for (let t = 1; t <= 3; t++) {
      const dir = Float64Array.from({ length: P }, (_, a) => Math.cos(0.9 * a + t));
      opt.step(numericTheta, dir);
      const inputs = new Map(base);
      inputs.set(training.THETA.name, vec(defTheta));
      inputs.set(training.DIRECTION.name, vec(dir));
      inputs.set(training.MOMENT1.name, vec(m));
      inputs.set(training.MOMENT2.name, vec(v));
      inputs.set(training.STEP.name, t);
      const e = new Evaluator({ sizes, inputs });
      defTheta = Float64Array.from(e.value(optimizerDefinition[optimizer]).data);
      if (optimizer === 'momentum') m = Float64Array.from(e.value(training.MOMENTUM_BUFFER).data);
      if (optimizer === 'adam') {
        m = Float64Array.from(e.value(training.ADAM_M).data);
        v = Float64Array.from(e.value(training.ADAM_V).data);
      }
    }
    rec.compare(`optimizer-${optimizer}`, 'theta after 3 steps', 'numeric createOptimizer', 'same-formula', defTheta, numericTheta);
  }
  // The relative sharpness at the case's lambda_max.
  const lambda = 0.37 + c.seed / 1000;
  const e = new Evaluator({ sizes, inputs: new Map([...base, [training.LAMBDA_MAX_IN.name, lambda]]) });
  rec.compare('relative-sharpness', 'kappa_rel', 'numeric relativeSharpness', 'same-formula', [e.scalar(training.RELATIVE_SHARPNESS)], [relativeSharpness(lambda, theta)]);
}

/** The registry entries a result covers (for the record). */
export function entriesOf(r: CaseResult): Set<string> {
  return new Set(r.measurements.map((m) => m.entry));
}

// ---------------------------------------------------------------------------------------------
// The Hessian's diagonal and the stochastic estimators.

/** The closed-form diagonal of the block, in theta order restricted to the block (eq:hessian-diagonal). */
function diagonalOf(ev: Evaluator, c: SweepCase): Float64Array {
  const parts: number[] = [];
  if (c.block !== 'second') parts.push(...ev.value(est.DIAG_W).data);
  if (c.block !== 'first') parts.push(...ev.value(est.DIAG_V).data);
  return Float64Array.from(parts);
}

const ESTIMATOR_ENTRIES = ['hutchinson-trace', 'frobenius-estimator', 'quadratic-form-kurtosis', 'hutch-plus-plus', 'xtrace', 'sample-variance-interval', 'pyhessian-rules', 'power-iteration'];
/** Entries whose identities and inequalities are evaluated in the estimators' own contexts. */
const ESTIMATOR_EVALUATED = new Set(['quadratic-form-kurtosis', 'hutch-plus-plus', 'sample-variance-interval']);

/** Probes per estimate: small budgets keep the plain-loop evaluation cheap and exercise every term. */
const BUDGET = { hutchinson: 4, hutchPlusPlus: 8, xtrace: 6 } as const;
/** Exact enumeration of every Rademacher probe up to P = 10 (1024 probes; RTOL_VS_ENUMERATION is derived for that). */
const ENUMERATION_MAX_P = 10;
/** Confidence and number of replicates at which the sample-variance interval is compared. */
const INTERVAL = { confidence: 0.99, replicates: 20 } as const;

/** `count` probes of `P` entries from a fresh generator at `seed`, in the order numeric's estimators draw them. */
function drawProbes(seed: number, probe: Probe, count: number, P: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(count * P);
  for (let q = 0; q < count; q++) drawProbe(rng, probe, out.subarray(q * P, (q + 1) * P));
  return out;
}

/** Every Rademacher sign vector of length P, 2^P rows. */
function everySign(P: number): Float64Array {
  const count = 2 ** P;
  const out = new Float64Array(count * P);
  for (let s = 0; s < count; s++) for (let a = 0; a < P; a++) out[s * P + a] = (s >> a) & 1 ? 1 : -1;
  return out;
}

const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let s = 0;
  for (let a = 0; a < x.length; a++) s += x[a]! * y[a]!;
  return s;
};

/**
 * An orthonormal basis of the span of `vectors` by Gram–Schmidt, twice per vector, dropping a
 * vector whose remainder is below numeric's DEPENDENT_RTOL of its norm (the same rank decision
 * numeric's sketches make; the basis itself is this module's own).
 */
function orthonormalBasis(vectors: readonly Float64Array[]): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const v of vectors) {
    const y = Float64Array.from(v);
    const norm = Math.sqrt(dot(y, y));
    for (let pass = 0; pass < 2; pass++)
      for (const q of basis) {
        const c = dot(q, y);
        for (let a = 0; a < y.length; a++) y[a]! -= c * q[a]!;
      }
    const r = Math.sqrt(dot(y, y));
    if (r > DEPENDENT_RTOL * norm && basis.length < y.length) basis.push(y.map((x) => x / r));
  }
  return basis;
}

/** Population mean and central moments of a list of equally likely values. */
function moments(x: ArrayLike<number>): { mean: number; variance: number; fourth: number } {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let variance = 0;
  let fourth = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    variance += d * d;
    fourth += d ** 4;
  }
  return { mean, variance: variance / n, fourth: fourth / n };
}

/** The exact variance of the sample variance of `n` draws from the equally likely `values`, by enumerating every n-tuple. */
function sampleVarianceVariance(values: ArrayLike<number>, n: number): number {
  const K = values.length;
  const s2: number[] = [];
  const at = new Array<number>(n).fill(0);
  for (let t = 0; t < K ** n; t++) {
    let r = t;
    for (let q = 0; q < n; q++) {
      at[q] = r % K;
      r = Math.floor(r / K);
    }
    let mean = 0;
    for (const q of at) mean += values[q]!;
    mean /= n;
    let ss = 0;
    for (const q of at) ss += (values[q]! - mean) ** 2;
    s2.push(ss / (n - 1));
  }
  return moments(s2).variance;
}

/**
 * The estimators' legs on the block's matrix H (the definitions' blocks, CAS-checked): each
 * definition with the probes numeric draws from the case's seed against numeric's estimator on
 * the same matrix (denseOperator), the moments against every Rademacher probe (P <= 10) and the
 * dense spectrum. Returns the evaluators in which the entries' identities and inequalities hold.
 */
function estimatorLegs(rec: Recorder, c: SweepCase, Hdef: Float64Array, eig: Float64Array, overrides: readonly Definition[], t1: number, t2: number): Map<string, Evaluator> {
  const P = eig.length;
  const matrix = { size: P, data: Hdef };
  const op = denseOperator(matrix);
  const seed = c.seed;
  const definitions = new Map(overrides.map((d) => [d.name, d]));
  const H = tensor([P, P], Hdef);
  const context = (sizes: Partial<Parameters<typeof sizesOf>[0]>, inputs: readonly [string, Tensor | number][]) =>
    new Evaluator({ sizes: sizesOf({ theta: P, ...sizes }), inputs: new Map<string, Tensor | number>([[est.H_MATRIX.name, H], ...inputs]), definitions });
  const frobenius = Math.sqrt(sumSquares(Hdef));
  let diagonalSquares = 0;
  for (let a = 0; a < P; a++) diagonalSquares += Hdef[a * P + a]! ** 2;
  const power = (r: number) => eig.reduce((s, x) => s + x ** r, 0);
  const rho = Math.max(Math.abs(eig[0]!), Math.abs(eig[P - 1]!));
  const out = new Map<string, Evaluator>();
  const spectrumLeg = 'dense spectrum of the checked Hessian';

  // Hutchinson and Frobenius: both probe distributions, m probes from the seed.
  const m = BUDGET.hutchinson;
  let rademacherVariance = 0;
  for (const probe of PROBE_KINDS) {
    const evm = context({ probes: m }, [[est.PROBES.name, tensor([m, P], drawProbes(seed, probe, m, P))]]);
    const samples = hutchinsonSamples(op, createRng(seed), m, probe);
    const leg = `numeric on the checked Hessian, ${probe} probes from the same seed`;
    rec.compare('hutchinson-trace', `v^T H v (${probe})`, `${leg}: hutchinsonSamples`, 'numeric', evm.value(est.QUADRATIC).data, samples.quadratic);
    rec.compare('hutchinson-trace', `T1^ (${probe})`, `${leg}: hutchinsonTrace`, 'numeric', [evm.scalar(est.T1_HAT)], [hutchinsonTrace(op, createRng(seed), { products: m, probe }).estimate], maxAbs(samples.quadratic));
    rec.compare('frobenius-estimator', `|Hv|^2 (${probe})`, `${leg}: hutchinsonSamples`, 'numeric', evm.value(est.SQUARED_NORM).data, samples.squaredNorm);
    rec.compare(
      'frobenius-estimator',
      `T2^ (${probe})`,
      `${leg}: frobeniusNormSquared`,
      'numeric',
      [evm.scalar(est.T2_HAT)],
      [frobeniusNormSquared(op, createRng(seed), { products: m, probe }).estimate],
      maxAbs(samples.squaredNorm),
    );
    const variance = evm.scalar(probe === 'gaussian' ? est.T1_HAT_VAR_GAUSS : est.T1_HAT_VAR_RADEMACHER);
    rec.compare('hutchinson-trace', `Var T1^ (${probe})`, 'numeric quadraticFormVariance / m', 'numeric', [variance], [quadraticFormVariance(probe, t2, diagonalSquares) / m]);
    if (probe === 'gaussian') {
      rec.compare('hutchinson-trace', 'Var T1^ (gaussian)', `${spectrumLeg}: 2 sum lambda^2 / m`, 'numeric', [variance], [(2 * power(2)) / m]);
      rec.compare('frobenius-estimator', 'Var T2^ (gaussian)', `${spectrumLeg}: 2 sum lambda^4 / m`, 'numeric', [evm.scalar(est.T2_HAT_VAR_GAUSS)], [(2 * power(4)) / m]);
    } else rademacherVariance = variance;
  }

  // Every Rademacher probe: the means are T1 and T2 (unbiased), the variances and the kurtosis exact.
  const every = P <= ENUMERATION_MAX_P ? everySign(P) : null;
  let perProbe: { mean: number; variance: number; fourth: number } | null = null;
  let perProbeValues: Float64Array | null = null;
  if (every) {
    const all = 2 ** P;
    const eva = context({ probes: all }, [[est.PROBES.name, tensor([all, P], every)]]);
    perProbeValues = eva.value(est.QUADRATIC).data;
    const squared = eva.value(est.SQUARED_NORM).data;
    perProbe = moments(perProbeValues);
    const leg = `every one of the 2^P = ${all} Rademacher probes`;
    rec.compare('hutchinson-trace', 'T1^ over every Rademacher probe', `T1 (eq:trace-h): ${leg}`, 'enumeration', [eva.scalar(est.T1_HAT)], [t1], maxAbs(perProbeValues));
    rec.compare('frobenius-estimator', 'T2^ over every Rademacher probe', `T2 (eq:trace-h2): ${leg}`, 'enumeration', [eva.scalar(est.T2_HAT)], [t2], maxAbs(squared));
    const evm = context({ probes: m }, []);
    rec.compare('hutchinson-trace', 'Var T1^ (rademacher)', `the variance over ${leg}, / m`, 'enumeration', [evm.scalar(est.T1_HAT_VAR_RADEMACHER)], [perProbe.variance / m]);
    rec.compare('frobenius-estimator', 'Var T2^ (rademacher)', `the variance over ${leg}, / m`, 'enumeration', [evm.scalar(est.T2_HAT_VAR_RADEMACHER)], [moments(squared).variance / m]);
  } else
    for (const e of ['hutchinson-trace', 'frobenius-estimator', 'quadratic-form-kurtosis', 'hutch-plus-plus', 'sample-variance-interval'])
      rec.skip(e, 'enumeration', `P = ${P} above ${ENUMERATION_MAX_P} for enumerating every Rademacher probe`);

  // The kurtosis of one probe's v^T H v.
  const evk = context({}, [[est.SPECTRAL_NORM.name, rho]]);
  const gaussKurtosis = evk.scalar(est.KURTOSIS_GAUSS);
  rec.compare('quadratic-form-kurtosis', 'gamma2 (gaussian)', 'numeric quadraticFormExcessKurtosis', 'numeric', [gaussKurtosis], [quadraticFormExcessKurtosis('gaussian', matrix)]);
  rec.compare('quadratic-form-kurtosis', 'gamma2 (gaussian)', `${spectrumLeg}: 12 sum lambda^4 / (sum lambda^2)^2`, 'numeric', [gaussKurtosis], [(12 * power(4)) / power(2) ** 2]);
  let rademacherKurtosis = 0;
  const offDiagonalZero = Hdef.every((x, q) => x === 0 || q % (P + 1) === 0);
  if (P >= 2 && !offDiagonalZero) {
    rademacherKurtosis = evk.scalar(est.KURTOSIS_RADEMACHER);
    rec.compare('quadratic-form-kurtosis', 'gamma2 (rademacher)', 'numeric quadraticFormExcessKurtosis', 'numeric', [rademacherKurtosis], [quadraticFormExcessKurtosis('rademacher', matrix)]);
    if (perProbe && perProbe.variance > 0)
      rec.compare('quadratic-form-kurtosis', 'gamma2 (rademacher)', `every one of the 2^P = ${2 ** P} Rademacher probes`, 'enumeration', [rademacherKurtosis], [perProbe.fourth / perProbe.variance ** 2 - 3]);
    out.set('quadratic-form-kurtosis', evk);
  } else rec.skip('quadratic-form-kurtosis', 'Rademacher kurtosis and the bounds', `${P === 1 ? 'P = 1' : 'a diagonal H'}: B = 0, the Rademacher quadratic form is constant (numeric takes its kurtosis as 0)`);

  // Hutch++: k sketch probes then m - 2k complement probes from the seed; Q from H S by Gram–Schmidt.
  const sketch = Math.floor(BUDGET.hutchPlusPlus / 3);
  const complement = BUDGET.hutchPlusPlus - 2 * sketch;
  for (const probe of PROBE_KINDS) {
    const draws = drawProbes(seed, probe, sketch + complement, P);
    const products = Array.from({ length: sketch }, (_, q) => matVec(Hdef, draws.subarray(q * P, (q + 1) * P)));
    const basis = orthonormalBasis(products);
    const r = basis.length;
    const Q = new Float64Array(P * r);
    basis.forEach((qv, e) => {
      for (let a = 0; a < P; a++) Q[a * r + e] = qv[a]!;
    });
    const inputs: [string, Tensor][] = [[est.SKETCH_BASIS.name, tensor([P, r], Q)]];
    const evh = context({ sketch: r, complement }, [...inputs, [est.COMPLEMENT_PROBES.name, tensor([complement, P], draws.subarray(sketch * P))]]);
    const numeric = hutchPlusPlus(op, createRng(seed), { products: BUDGET.hutchPlusPlus, probe });
    rec.compare(
      'hutch-plus-plus',
      `T1^H++ (${probe})`,
      `numeric hutchPlusPlus on the checked Hessian, ${probe} probes from the same seed`,
      'projections',
      [evh.scalar(est.HUTCH_PLUS_PLUS)],
      [numeric.estimate],
      frobenius,
    );
    if (probe === 'rademacher') {
      out.set('hutch-plus-plus', evh);
      if (every) {
        const all = 2 ** P;
        const eva = context({ sketch: r, complement: all }, [...inputs, [est.COMPLEMENT_PROBES.name, tensor([all, P], every)]]);
        rec.compare(
          'hutch-plus-plus',
          'T1^H++ over every Rademacher complement probe',
          `T1 (eq:trace-h): every one of the 2^P = ${all} Rademacher probes, the same Q`,
          'enumeration',
          [eva.scalar(est.HUTCH_PLUS_PLUS)],
          [t1],
          frobenius,
        );
      }
    }
  }

  // XTrace: k probes from the seed; the projector of each onto the span of the other k - 1 products.
  const k = Math.floor(BUDGET.xtrace / 2);
  for (const probe of PROBE_KINDS) {
    const W = drawProbes(seed, probe, k, P);
    const Y = Array.from({ length: k }, (_, q) => matVec(Hdef, W.subarray(q * P, (q + 1) * P)));
    const projectors = new Float64Array(k * P * P);
    for (let q = 0; q < k; q++) for (const b of orthonormalBasis(Y.filter((_, j) => j !== q))) for (let a = 0; a < P; a++) for (let a2 = 0; a2 < P; a2++) projectors[(q * P + a) * P + a2]! += b[a]! * b[a2]!;
    const evx = context({ loo: k }, [
      [est.XTRACE_PROBES.name, tensor([k, P], W)],
      [est.XTRACE_PROJECTORS.name, tensor([k, P, P], projectors)],
    ]);
    const numeric = xtrace(op, createRng(seed), { products: BUDGET.xtrace, probe });
    const leg = `numeric xtrace on the checked Hessian, ${probe} probes from the same seed`;
    // A rank-deficient sketch (k >= P, rank H < k, or dependent probes) makes numeric return its fallback tr(Q^T H Q).
    if (numeric.rankDeficient) rec.skip('xtrace', leg, `the sketch HW has rank ${numeric.sketchRank} < k = ${k}: numeric returns tr(Q^T H Q), not the leave-one-out formula`);
    else rec.compare('xtrace', `T1^X (${probe})`, leg, 'leave-one-out', [evx.scalar(est.XTRACE)], [numeric.estimate], frobenius);
  }

  // The interval of a sample variance: at the Rademacher variance and kurtosis of m probes.
  const gamma = rademacherKurtosis / m;
  const base: [string, number][] = [
    [est.SAMPLE_SIGMA2.name, rademacherVariance],
    [est.SAMPLE_COUNT.name, INTERVAL.replicates],
    [est.SAMPLE_KURTOSIS.name, gamma],
  ];
  if (rademacherVariance > 0) {
    // nu needs a positive variance: a diagonal H (mse's second block with h~ = 1) has none.
    const nu = context({}, base).scalar(est.DEGREES_OF_FREEDOM);
    const alpha = 1 - INTERVAL.confidence;
    const evs = context({}, [...base, [est.QUANTILE_LOW.name, chiSquareQuantile(alpha / 2, nu)], [est.QUANTILE_HIGH.name, chiSquareQuantile(1 - alpha / 2, nu)]]);
    const interval = sampleVarianceInterval(rademacherVariance, INTERVAL.replicates, gamma, INTERVAL.confidence);
    rec.compare(
      'sample-variance-interval',
      'nu, lower, upper',
      `numeric sampleVarianceInterval (n = ${INTERVAL.replicates}, c = ${INTERVAL.confidence}, the Rademacher variance and kurtosis of m probes)`,
      'numeric',
      [est.DEGREES_OF_FREEDOM, est.INTERVAL_LOW, est.INTERVAL_HIGH].map((d) => evs.scalar(d)),
      [interval.degreesOfFreedom, interval.lower, interval.upper],
    );
    out.set('sample-variance-interval', evs);
  } else rec.skip('sample-variance-interval', 'numeric', 'the Rademacher variance is 0 (P = 1 or a diagonal H): no interval');
  // Var(s^2) against every tuple of n Rademacher probes (one probe's v^T H v as the value).
  if (perProbe && perProbeValues && perProbe.variance > 0)
    for (const [n, maxP] of [
      [2, 6],
      [3, 4],
    ] as const) {
      if (P > maxP) continue;
      const exact = sampleVarianceVariance(perProbeValues, n);
      const evv = context({}, [
        [est.SAMPLE_SIGMA2.name, perProbe.variance],
        [est.SAMPLE_COUNT.name, n],
        [est.SAMPLE_KURTOSIS.name, perProbe.fourth / perProbe.variance ** 2 - 3],
      ]);
      rec.compare('sample-variance-interval', `Var(s^2), n = ${n}`, `every one of the ${2 ** (P * n)} n-tuples of Rademacher probes`, 'enumeration', [evv.scalar(est.SAMPLE_VARIANCE_VARIANCE)], [exact]);
    }

  // PyHessian's trace(): its estimate is the mean of the definition's v^T H v over the probes it drew, and the rule stops there.
  const py = pyhessianTrace(op, createRng(seed));
  const evp = context({ probes: py.products }, [[est.PROBES.name, tensor([py.products, P], drawProbes(seed, 'rademacher', py.products, P))]]);
  const quadratic = evp.value(est.QUADRATIC).data;
  rec.compare(
    'pyhessian-rules',
    'trace() estimate',
    `the mean of v^T H v (eq:hutchinson-trace) over the ${py.stopped ? 'probes before the rule fired' : '100 probes'}`,
    'numeric',
    [py.estimate],
    [evp.scalar(est.T1_HAT)],
    maxAbs(quadratic),
  );
  let stop = 100;
  let running = 0;
  let previous = 0;
  for (let j = 1; j <= quadratic.length; j++) {
    running += quadratic[j - 1]!;
    const mean = running / j;
    if (Math.abs(mean - previous) / (Math.abs(previous) + 1e-6) < 1e-3) {
      stop = j;
      break;
    }
    previous = mean;
  }
  rec.compare('pyhessian-rules', 'trace() stopping count', 'the typed rule applied to the running means of the definition', 'same-formula', [py.products], [stop], 1);

  // Power iteration: the Rayleigh quotient lies within its residual of the spectrum (Weyl).
  const pi = powerIteration(op, createRng(seed), { products: 30 });
  const distance = Math.min(...Array.from(eig, (x) => Math.abs(x - pi.estimate)));
  rec.measurements.push({
    entry: 'power-iteration',
    quantity: 'theta_30 within its residual of an eigenvalue',
    leg: spectrumLeg,
    kind: 'spectrum',
    maxAbsError: Math.max(distance - pi.residual, 0),
    scale: Math.abs(eig[P - 1]!) + Math.abs(eig[0]!),
    length: 1,
  });
  return out;
}
