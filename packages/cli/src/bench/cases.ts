/**
 * What `pnpm bench` measures: every case is one function of one configuration, run in its own
 * child process (main.ts) so that its peak resident memory is its own. `gradU-autodiff-pass` is
 * one of the autodiff oracle's P tangent passes, so the oracle is measured, not extrapolated,
 * at sizes where all P passes would take hours.
 *
 * Configurations (tanh, biases on, seeded):
 *   P~100    8-8-4     synthetic Gaussian inputs, N = 128   (P = 108)
 *   P~1000   30-28-5   synthetic, N = 128                   (P = 1,013)
 *   P~10000  100-90-10 synthetic, N = 128                   (P = 10,000)
 *   mnist    784-128-10 on loadMnist({ samples: 128, seed: 0 }), one batch of 128 (P = 101,770)
 *   iris     4-8-3 on the full Iris set, N = 150            (P = 67)
 *   mnist-deep 784-128-128-10 on the same MNIST batch (P = 118,282), for the deep rows
 *   P~1000-deep 30-20-20-5 on P~1000's synthetic data (P = 1,145): the deep dense Hessian fits,
 *            so its time is measured here and extrapolated to mnist-deep
 *
 * The deep kinds (deep*) run numeric's deep/ path on the size's layered model: at mnist the
 * two-layer network as L = 2, at mnist-deep and P~1000-deep three linear layers.
 */
import {
  DEFAULT_VARIANT,
  boundGradient,
  createOptimizer,
  deepBoundGradient,
  deepDenseHessian,
  deepHessianTraces,
  deepLossGradient,
  flattenLayered,
  initLayeredModel,
  layeredFromModel,
  type LayeredModel,
  unflattenLayered,
  createRng,
  denseHessian,
  flattenParameters,
  hessianTraces,
  initModel,
  lossGradient,
  matrixTraces,
  parameterCount,
  unflattenParameters,
  extremeEigenvalues,
  wolkowiczStyanBounds,
  type Dataset,
  type Model,
  type Variant,
} from '@hsr/numeric';
import { loadIris } from '@hsr/io';
import { autodiffBoundGradient } from '@hsr/autodiff';
import { loadMnist } from '@hsr/io';

export const SIZES = ['P~100', 'P~1000', 'P~10000', 'mnist', 'iris', 'mnist-deep', 'P~1000-deep'] as const;
export type SizeName = (typeof SIZES)[number];

export const VARIANT: Variant = DEFAULT_VARIANT;

interface Shape {
  d: number;
  h: number;
  c: number;
  N: number;
}
const SYNTHETIC: Record<'P~100' | 'P~1000' | 'P~10000', Shape> = {
  'P~100': { d: 8, h: 8, c: 4, N: 128 },
  'P~1000': { d: 30, h: 28, c: 5, N: 128 },
  'P~10000': { d: 100, h: 90, c: 10, N: 128 },
};

export interface Setup {
  model: Model;
  data: Dataset;
  label: string;
  /** The network the deep kinds run (mnist-deep: three layers; otherwise `model` as L = 2). */
  layered: LayeredModel;
}

/** d, h_1, h_2, c of the three-layer sizes. */
const DEEP_WIDTHS: Partial<Record<SizeName, number[]>> = { 'mnist-deep': [784, 128, 128, 10], 'P~1000-deep': [30, 20, 20, 5] };

export function sizeLabel(size: SizeName): string {
  switch (size) {
    case 'mnist':
      return '784-128-10, N=128 (MNIST)';
    case 'iris':
      return '4-8-3, N=150 (Iris)';
    case 'mnist-deep':
      return '784-128-128-10, N=128 (MNIST)';
    case 'P~1000-deep':
      return '30-20-20-5, N=128';
    default: {
      const s = SYNTHETIC[size];
      return `${s.d}-${s.h}-${s.c}, N=${s.N}`;
    }
  }
}

/** The parameter count of a size without building it (for extrapolations in the parent). */
export function sizeParameters(size: SizeName): { P: number; N: number } {
  const widths = DEEP_WIDTHS[size];
  if (widths) return { P: widths.slice(1).reduce((s, m, l) => s + m * (widths[l]! + 1), 0), N: 128 };
  const shape = size === 'mnist' ? { d: 784, h: 128, c: 10, N: 128 } : size === 'iris' ? { d: 4, h: 8, c: 3, N: 150 } : SYNTHETIC[size as keyof typeof SYNTHETIC];
  return { P: shape.h * (shape.d + 1) + shape.c * (shape.h + 1), N: shape.N };
}

export function setup(size: SizeName): Setup {
  const s = twoLayerSetup(size);
  const widths = DEEP_WIDTHS[size];
  const layered = widths ? initLayeredModel({ activation: 'tanh', widths, bias: true, seed: 1 }) : layeredFromModel(s.model);
  return { ...s, layered };
}

function twoLayerSetup(size: SizeName): Omit<Setup, 'layered'> {
  if (size === 'P~1000-deep') return { ...twoLayerSetup('P~1000'), label: sizeLabel(size) };
  if (size === 'mnist' || size === 'mnist-deep') {
    const data = loadMnist({ samples: 128, seed: 0 }).data;
    return { model: initModel({ activation: 'tanh', inputDim: 784, hiddenDim: 128, classes: 10, bias: true, seed: 1 }), data, label: sizeLabel(size) };
  }
  if (size === 'iris') {
    const data = loadIris().data;
    return { model: initModel({ activation: 'tanh', inputDim: 4, hiddenDim: 8, classes: 3, bias: true, seed: 1 }), data, label: sizeLabel(size) };
  }
  const { d, h, c, N } = SYNTHETIC[size];
  const rng = createRng(2);
  const X = Float64Array.from({ length: N * d }, () => rng.normal());
  const y = Int32Array.from({ length: N }, (_, n) => n % c);
  return { model: initModel({ activation: 'tanh', inputDim: d, hiddenDim: h, classes: c, bias: true, seed: 1 }), data: { samples: N, features: d, X, y }, label: sizeLabel(size) };
}

export const KINDS = [
  'U-closed',
  'U-dense',
  'gradU-closed',
  'gradU-autodiff',
  'gradU-autodiff-pass',
  'step-plain',
  'step-hsr-step',
  'step-sam',
  'lanczos',
  'deepU-closed',
  'deepU-dense',
  'deepGradU-closed',
  'deepStep-plain',
  'deepStep-hsr-step',
] as const;

/** The deep path's variant: VARIANT's reduction and curvature over every layer. */
function deepVariant(model: LayeredModel) {
  return { reduction: VARIANT.reduction, curvature: VARIANT.curvature, layers: model.layers.map((_, l) => l) };
}
export type Kind = (typeof KINDS)[number];

/** A prepared, repeatable unit of work; returns a number so the work cannot be optimised away. */
export type Work = () => number;

type AutodiffBoundGradient = (model: Model, data: Dataset, variant: Variant, of: 'upper', options?: { columns?: ArrayLike<number> }) => { value: number; gradient: ArrayLike<number> };

/** The autodiff oracle's bound gradient (a static import: a renamed export is a compile error). */
export async function findAutodiff(): Promise<AutodiffBoundGradient | string> {
  return autodiffBoundGradient;
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/**
 * One training step as packages/numeric/src/training/train.ts performs it (it exposes no
 * single-step API): unflatten theta, the batch loss gradient, then SAM's second gradient at
 * theta + rho g/||g|| or hsr-step's closed-form grad U, then the SGD update.
 */
function trainingStep(s: Setup, method: 'plain' | 'hsr-step' | 'sam'): Work {
  return stepOver(
    flattenParameters(s.model),
    (theta) => lossGradient(unflattenParameters(s.model, theta), s.data, 'mean'),
    (theta) => boundGradient(unflattenParameters(s.model, theta), s.data, VARIANT, 'upper').gradient,
    method,
  );
}

/** The same step on the deep path (the layered model, deep/'s loss gradient and bound gradient). */
function deepTrainingStep(s: Setup, method: 'plain' | 'hsr-step'): Work {
  const variant = deepVariant(s.layered);
  return stepOver(
    flattenLayered(s.layered),
    (theta) => deepLossGradient(unflattenLayered(s.layered, theta), s.data, 'mean'),
    (theta) => deepBoundGradient(unflattenLayered(s.layered, theta), s.data, variant, 'upper').gradient,
    method,
  );
}

function stepOver(theta: Float64Array, lossGrad: (theta: Float64Array) => { loss: number; gradient: Float64Array }, boundGrad: (theta: Float64Array) => Float64Array, method: 'plain' | 'hsr-step' | 'sam'): Work {
  const P = theta.length;
  const opt = createOptimizer({ name: 'sgd', learningRate: 0.01, momentum: 0, weightDecay: 0 }, P);
  const rho = 0.01;
  return () => {
    const lg = lossGrad(theta);
    let direction = lg.gradient;
    let boundStep: Float64Array | null = null;
    if (method === 'sam') {
      const gn = norm(lg.gradient);
      const perturbed = theta.slice();
      for (let i = 0; i < P; i++) perturbed[i]! += (rho * lg.gradient[i]!) / gn;
      direction = lossGrad(perturbed).gradient;
    } else if (method === 'hsr-step') {
      const g = boundGrad(theta);
      const un = norm(g);
      boundStep = new Float64Array(P);
      for (let i = 0; i < P; i++) boundStep[i] = (rho * g[i]!) / un;
    }
    opt.step(theta, direction);
    if (boundStep) for (let i = 0; i < P; i++) theta[i]! -= boundStep[i]!;
    return lg.loss;
  };
}

/**
 * The tangent directions the one-pass case differentiates by, in call order: the first (its
 * warm-up) is theta_0 (W_11), then the last (the last output bias), the middle, the quarters,
 * so the timed passes cover W, b, V and a. Every pass does the same work whatever k (the
 * tangent parts are dense over each jet's support); spreading k shows that in the timings.
 */
function passColumns(P: number): number[] {
  const spread = [0, P - 1, P >> 1, P >> 2, (3 * P) >> 2, P >> 3, (5 * P) >> 3, (7 * P) >> 3];
  return spread.filter((k, i) => k >= 0 && k < P && spread.indexOf(k) === i);
}

/**
 * `passes`: the work is one of several equal units of a larger computation (one tangent pass of
 * the autodiff oracle); the harness then always warms up once (the first pass also grows the
 * heap, so it runs slower even after the JIT has warmed up) and times at least two.
 */
export interface Prepared {
  work: Work;
  note?: string;
  passes?: boolean;
}

export async function prepare(kind: Kind, s: Setup): Promise<Prepared> {
  switch (kind) {
    case 'U-closed':
      return {
        work: () => {
          const t = hessianTraces(s.model, s.data, VARIANT);
          return wolkowiczStyanBounds(t.traceH, t.traceH2, t.parameters).lambdaMaxUpper;
        },
      };
    case 'U-dense':
      return {
        work: () => {
          const H = denseHessian(s.model, s.data, VARIANT);
          const t = matrixTraces(H);
          return wolkowiczStyanBounds(t.traceH, t.traceH2, H.size).lambdaMaxUpper;
        },
      };
    case 'gradU-closed':
      return { work: () => boundGradient(s.model, s.data, VARIANT, 'upper').gradient[0]! };
    case 'gradU-autodiff': {
      const f = await findAutodiff();
      if (typeof f === 'string') throw new Error(f);
      return { work: () => f(s.model, s.data, VARIANT, 'upper').gradient[0]! };
    }
    case 'gradU-autodiff-pass': {
      // One of the oracle's P tangent passes (autodiffBoundGradient restricted to one column):
      // the same pass the full call makes for that parameter (traces.columns.test.ts), so P times its
      // time is the full oracle's time, up to the O(P) chain rule at the end.
      const f = await findAutodiff();
      if (typeof f === 'string') throw new Error(f);
      const columns = passColumns(parameterCount(s.model));
      const used: number[] = [];
      return {
        passes: true,
        work: () => {
          const k = columns[used.length === 0 ? 0 : 1 + ((used.length - 1) % (columns.length - 1 || 1))] ?? 0;
          used.push(k);
          const r = f(s.model, s.data, VARIANT, 'upper', { columns: [k] });
          if (r.gradient.length !== 1) throw new Error(`@hsr/autodiff ignored columns: ${r.gradient.length} entries`);
          return r.gradient[0]!;
        },
        get note() {
          return `tangent k = ${used[0]} (warm-up, untimed), then ${used.slice(1).join(', ')}`;
        },
      };
    }
    case 'step-plain':
      return { work: trainingStep(s, 'plain') };
    case 'step-hsr-step':
      return { work: trainingStep(s, 'hsr-step') };
    case 'step-sam':
      return { work: trainingStep(s, 'sam') };
    case 'deepU-closed': {
      const variant = deepVariant(s.layered);
      return {
        work: () => {
          const t = deepHessianTraces(s.layered, s.data, variant);
          return wolkowiczStyanBounds(t.traceH, t.traceH2, t.parameters).lambdaMaxUpper;
        },
      };
    }
    case 'deepU-dense': {
      // The deep dense Hessian (deepDenseHessian, O(N P^2) time, P^2 memory) and its traces.
      const variant = deepVariant(s.layered);
      return {
        work: () => {
          const H = deepDenseHessian(s.layered, s.data, variant);
          const t = matrixTraces(H);
          return wolkowiczStyanBounds(t.traceH, t.traceH2, H.size).lambdaMaxUpper;
        },
      };
    }
    case 'deepGradU-closed': {
      // U and its gradient: deepBoundGradient returns both from one forward pass and one sweep.
      const variant = deepVariant(s.layered);
      return { work: () => deepBoundGradient(s.layered, s.data, variant, 'upper').gradient[0]! };
    }
    case 'deepStep-plain':
      return { work: deepTrainingStep(s, 'plain') };
    case 'deepStep-hsr-step':
      return { work: deepTrainingStep(s, 'hsr-step') };
    case 'lanczos': {
      let last = '';
      return {
        work: () => {
          const r = extremeEigenvalues(s.model, s.data, VARIANT, { k: 120, tol: 1e-6, seed: 0 });
          last = `lambda_max ${r.lambdaMax.toPrecision(6)}, lambda_min ${r.lambdaMin.toPrecision(6)}, ${r.iterations} Hv products, converged ${r.converged}`;
          return r.lambdaMax;
        },
        get note() {
          return last;
        },
      };
    }
  }
}
