/**
 * The sweep of shapes the executable definitions are checked on: a deterministic list of small
 * networks that covers every hidden width h in 1..4 with every class count c in 2..5, inputs
 * d in 1..3, samples N in 1..4, biases on and off, the mean and the sum, all three blocks, the
 * full Hessian and its Gauss–Newton part, and every activation (a covering design, not the
 * product: each value of each factor appears, and every (h, c) pair with every activation).
 * Each other loss of the table (mse, label smoothing, binary cross-entropy) runs on every (h, c)
 * pair and the third-order shapes, with the activation and the other factors cycled.
 * Networks of depth 3 and 4 (DEEP_SWEEP, widths 1–3) check the general-depth definitions.
 * `SWEEP_SLICE` is the representative part the default test project runs (h >= 2, c >= 3,
 * one small case per other loss, and one small network of depth 3).
 */
import {
  ACTIVATION_NAMES,
  BLOCKS,
  createRng,
  CURVATURES,
  DEFAULT_LABEL_SMOOTHING,
  LOSS_NAMES,
  REDUCTIONS,
  type Activation,
  type Block,
  type Curvature,
  type Dataset,
  type LayeredModel,
  type Loss,
  type Model,
  type Reduction,
  type Variant,
} from '@hsr/numeric';

export interface SweepCase {
  readonly activation: Activation;
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly classes: number;
  readonly samples: number;
  readonly bias: boolean;
  readonly reduction: Reduction;
  readonly block: Block;
  readonly curvature: Curvature;
  readonly seed: number;
  /** The loss on the logits (absent: cross-entropy; label smoothing with the default epsilon 0.1). */
  readonly loss?: Loss;
  /**
   * A network of depth L = hidden.length + 1 >= 3 (docs/mathematics.md §9): the hidden widths
   * (`hiddenDim` is the first), one activation per hidden layer (default `activation` in each),
   * and the 0-based layers the Hessian block covers (default all; `block` is then `all`).
   * Only the general-depth entries (definitions/deep.ts) are checked on such a case.
   */
  readonly hidden?: readonly number[];
  readonly activations?: readonly Activation[];
  readonly layers?: readonly number[];
}

/** The widths d, n_1, ..., n_{L-1}, c of a case (two layers: d, h, c). */
export function caseWidths(c: SweepCase): number[] {
  return [c.inputDim, ...(c.hidden ?? [c.hiddenDim]), c.classes];
}

/** The 0-based layers of a case's Hessian block (two layers: from `block`). */
export function caseLayers(c: SweepCase): number[] {
  const L = caseWidths(c).length - 1;
  if (c.layers) return [...c.layers];
  return c.block === 'all' ? Array.from({ length: L }, (_, l) => l) : c.block === 'first' ? [0] : [L - 1];
}

/** The block of a case in words: `all`, `first`, `second`, or the 1-based layer set of a deep case, `{1,3}`. */
export function caseBlock(c: SweepCase): string {
  return c.hidden
    ? `{${caseLayers(c)
        .map((l) => l + 1)
        .join(',')}}`
    : c.block;
}

/** A printable name that identifies the case (and rebuilds it with `sweepCaseByName`). */
export function caseName(c: SweepCase): string {
  const loss = c.loss && c.loss !== 'cross-entropy' ? ` ${c.loss}` : '';
  if (c.hidden) {
    const acts = c.activations ? c.activations.join(',') : c.activation;
    return `L${c.hidden.length + 1} ${acts} d${c.inputDim} h${c.hidden.join(',')} c${c.classes} N${c.samples} ${c.bias ? 'bias' : 'nobias'} ${c.reduction} layers${caseBlock(c)} ${c.curvature} seed${c.seed}${loss}`;
  }
  return `${c.activation} d${c.inputDim} h${c.hiddenDim} c${c.classes} N${c.samples} ${c.bias ? 'bias' : 'nobias'} ${c.reduction} ${c.block} ${c.curvature} seed${c.seed}${loss}`;
}

export function variantOf(c: SweepCase): Variant {
  return { reduction: c.reduction, block: c.block, curvature: c.curvature };
}

/** Number of parameters of the case's network (all blocks). */
export function caseParameters(c: SweepCase): number {
  const b = c.bias ? 1 : 0;
  if (c.hidden) {
    const w = caseWidths(c);
    let P = 0;
    for (let l = 0; l + 1 < w.length; l++) P += w[l + 1]! * (w[l]! + b);
    return P;
  }
  return c.hiddenDim * (c.inputDim + b) + c.classes * (c.hiddenDim + b);
}

/**
 * The model and data of a case, from its seed: weights and biases ~ N(0, 0.8^2) (away from
 * saturation, so no term of a formula is negligible), inputs ~ N(0, 1), labels cycling through
 * the classes from a seeded offset (so every sample set with N >= c has every label).
 */
export function buildSweepCase(c: SweepCase): { model: Model; data: Dataset } {
  const rng = createRng(1_000_003 * c.seed + 7);
  const normal = (k: number, scale: number) => Float64Array.from({ length: k }, () => scale * rng.normal());
  const { inputDim: d, hiddenDim: h, classes: k } = c;
  const model: Model = {
    activation: c.activation,
    inputDim: d,
    hiddenDim: h,
    classes: k,
    W: normal(h * d, 0.8),
    b: c.bias ? normal(h, 0.8) : null,
    V: normal(k * h, 0.8),
    a: c.bias ? normal(k, 0.8) : null,
    ...(c.loss && c.loss !== 'cross-entropy' ? { loss: c.loss, ...(c.loss === 'label-smoothing' ? { labelSmoothing: DEFAULT_LABEL_SMOOTHING } : {}) } : {}),
  };
  const X = normal(c.samples * d, 1);
  const offset = Math.floor(rng.uniform() * k);
  const y = Int32Array.from({ length: c.samples }, (_, n) => (n + offset) % k);
  return { model, data: { samples: c.samples, features: d, X, y } };
}

/**
 * The layered model and data of a deep case, drawn like buildSweepCase's: weights and biases
 * ~ N(0, 0.8^2) layer by layer, inputs ~ N(0, 1), labels cycling from a seeded offset.
 */
export function buildDeepSweepCase(c: SweepCase): { model: LayeredModel; data: Dataset } {
  if (!c.hidden) throw new Error(`${caseName(c)}: not a deep case`);
  const rng = createRng(1_000_003 * c.seed + 7);
  const normal = (k: number, scale: number) => Float64Array.from({ length: k }, () => scale * rng.normal());
  const w = caseWidths(c);
  const layers = Array.from({ length: w.length - 1 }, (_, l) => ({ inputs: w[l]!, outputs: w[l + 1]!, W: normal(w[l + 1]! * w[l]!, 0.8), b: c.bias ? normal(w[l + 1]!, 0.8) : null }));
  const activations = c.activations ? [...c.activations] : c.hidden.map(() => c.activation);
  const model: LayeredModel = {
    activations,
    layers,
    ...(c.loss && c.loss !== 'cross-entropy' ? { loss: c.loss, ...(c.loss === 'label-smoothing' ? { labelSmoothing: DEFAULT_LABEL_SMOOTHING } : {}) } : {}),
  };
  const d = c.inputDim;
  const X = normal(c.samples * d, 1);
  const offset = Math.floor(rng.uniform() * c.classes);
  const y = Int32Array.from({ length: c.samples }, (_, n) => (n + offset) % c.classes);
  return { model, data: { samples: c.samples, features: d, X, y } };
}

/**
 * The deep part of the full sweep (docs/mathematics.md §9): depths 3 and 4 with widths 1–3, one
 * case per activation and depth with every activation also mixed with another in the hidden
 * layers, the other factors (biases, reduction, the layer set of the block, curvature, loss, N)
 * cycled so that each value of each appears.
 */
function deepSweep(): SweepCase[] {
  const out: SweepCase[] = [];
  const blocks3: readonly (readonly number[])[] = [[0, 1, 2], [0, 2], [1, 2], [0, 1], [1]];
  const blocks4: readonly (readonly number[])[] = [[0, 1, 2, 3], [0, 3], [1, 2, 3], [0, 2], [2]];
  let q = 0;
  for (const depth of [3, 4])
    for (const [a, activation] of ACTIVATION_NAMES.entries()) {
      const hidden = Array.from({ length: depth - 1 }, (_, t) => 1 + ((a + q + t) % 3));
      const other = ACTIVATION_NAMES[(a + 2) % ACTIVATION_NAMES.length]!;
      const blocks = depth === 3 ? blocks3 : blocks4;
      out.push({
        activation,
        ...(q % 2 === 1 ? { activations: hidden.map((_, t) => (t % 2 === 0 ? activation : other)) } : {}),
        inputDim: 1 + ((q + 1) % 3),
        hiddenDim: hidden[0]!,
        hidden,
        classes: 2 + (q % 2),
        samples: 1 + (q % 3),
        bias: q % 2 === 0,
        reduction: REDUCTIONS[Math.floor(q / 2) % 2]!,
        block: 'all',
        layers: blocks[q % blocks.length]!,
        curvature: CURVATURES[Math.floor(q / 3) % 2]!,
        seed: 500 + q,
        ...(q % 4 === 3 ? { loss: LOSS_NAMES[1 + (Math.floor(q / 4) % (LOSS_NAMES.length - 1))]! } : {}),
      });
      q++;
    }
  return out;
}

export const DEEP_SWEEP: readonly SweepCase[] = deepSweep();

/**
 * The full sweep: every (h, c) pair with every activation (80 cases), the other factors cycled
 * with coprime strides so their combinations vary, plus the smallest shapes once more with
 * biases (the engines' third derivatives need P <= ~18).
 */
function fullSweep(): SweepCase[] {
  const out: SweepCase[] = [];
  let q = 0;
  // Case q of the covering design: the factors other than the shape cycled with coprime strides.
  const covering = (activation: Activation, h: number, c: number, loss?: Loss): SweepCase => ({
    activation,
    inputDim: 1 + (q % 3),
    hiddenDim: h,
    classes: c,
    samples: 1 + ((q * 3 + 1) % 4),
    bias: q % 2 === 0,
    reduction: REDUCTIONS[Math.floor(q / 2) % 2]!,
    block: BLOCKS[(q * 7) % 3]!,
    curvature: CURVATURES[Math.floor(q / 3) % 2]!,
    seed: 100 + q,
    ...(loss ? { loss } : {}),
  });
  // A third-order shape: small P, full Hessian, the given block.
  const thirdOrder = (activation: Activation, block: Block, loss?: Loss): SweepCase => ({
    activation,
    inputDim: 1,
    hiddenDim: 2,
    classes: 3,
    samples: 2 + (q % 3),
    bias: q % 2 === 0,
    reduction: REDUCTIONS[q % 2]!,
    block,
    curvature: 'hessian',
    seed: 100 + q,
    ...(loss ? { loss } : {}),
  });
  for (const activation of ACTIVATION_NAMES)
    for (let h = 1; h <= 4; h++)
      for (let c = 2; c <= 5; c++) {
        out.push(covering(activation, h, c));
        q++;
      }
  for (const activation of ACTIVATION_NAMES)
    for (const block of BLOCKS) {
      out.push(thirdOrder(activation, block));
      q++;
    }
  // The other losses: every (h, c) pair once each, the activations and the other factors cycled,
  // and the third-order shape once per block (the engines' third derivatives of the new S).
  for (const loss of LOSS_NAMES) {
    if (loss === 'cross-entropy') continue;
    let r = 0;
    const activation = () => ACTIVATION_NAMES[(q + r) % ACTIVATION_NAMES.length]!;
    for (let h = 1; h <= 4; h++)
      for (let c = 2; c <= 5; c++) {
        out.push(covering(activation(), h, c, loss));
        q++;
        r++;
      }
    for (const block of BLOCKS) {
      out.push(thirdOrder(activation(), block, loss));
      q++;
      r++;
    }
  }
  out.push(...deepSweep());
  return out;
}

export const FULL_SWEEP: readonly SweepCase[] = fullSweep();

/**
 * The default tests' slice: h >= 2 and c >= 3, every activation, both curvatures, all three
 * blocks, both reductions, biases on and off, N from 1 to 4; then every other loss once.
 */
export const SWEEP_SLICE: readonly SweepCase[] = [
  { activation: 'tanh', inputDim: 1, hiddenDim: 2, classes: 3, samples: 2, bias: false, reduction: 'mean', block: 'all', curvature: 'hessian', seed: 1 },
  { activation: 'sigmoid', inputDim: 2, hiddenDim: 2, classes: 3, samples: 3, bias: true, reduction: 'sum', block: 'all', curvature: 'hessian', seed: 2 },
  { activation: 'softplus', inputDim: 3, hiddenDim: 3, classes: 4, samples: 4, bias: true, reduction: 'mean', block: 'first', curvature: 'gauss-newton', seed: 3 },
  { activation: 'silu', inputDim: 2, hiddenDim: 4, classes: 5, samples: 1, bias: false, reduction: 'sum', block: 'second', curvature: 'hessian', seed: 4 },
  { activation: 'gelu', inputDim: 1, hiddenDim: 2, classes: 4, samples: 3, bias: true, reduction: 'mean', block: 'all', curvature: 'gauss-newton', seed: 5 },
  // One small full-Hessian case per other loss (P = 8: the engines' third derivatives run).
  { activation: 'sigmoid', inputDim: 1, hiddenDim: 2, classes: 3, samples: 3, bias: false, reduction: 'sum', block: 'all', curvature: 'hessian', seed: 6, loss: 'mse' },
  { activation: 'tanh', inputDim: 1, hiddenDim: 2, classes: 3, samples: 2, bias: false, reduction: 'mean', block: 'all', curvature: 'hessian', seed: 7, loss: 'label-smoothing' },
  { activation: 'softplus', inputDim: 1, hiddenDim: 2, classes: 3, samples: 2, bias: false, reduction: 'mean', block: 'all', curvature: 'hessian', seed: 8, loss: 'binary-cross-entropy' },
  // The general-depth definitions: one small network of depth 3 (every layer, the full Hessian, two activations).
  {
    activation: 'tanh',
    activations: ['tanh', 'softplus'],
    inputDim: 2,
    hiddenDim: 2,
    hidden: [2, 2],
    classes: 2,
    samples: 2,
    bias: true,
    reduction: 'mean',
    block: 'all',
    layers: [0, 1, 2],
    curvature: 'hessian',
    seed: 9,
  },
];

export function sweepCaseByName(name: string): SweepCase | undefined {
  return [...FULL_SWEEP, ...SWEEP_SLICE].find((c) => caseName(c) === name);
}
