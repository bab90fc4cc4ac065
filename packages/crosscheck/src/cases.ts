/**
 * A generated check case is described by a small, printable `CaseSpec` (shapes, scales, an
 * input style and an integer seed); `buildCase` turns it into float64 arrays
 * deterministically. Properties therefore shrink and report in terms a person can read
 * ("tanh d=1 h=1 c=2 N=2, bias, seed 0") and every counterexample can be rebuilt exactly,
 * outside fast-check, with `buildCase(spec)`.
 *
 * Every generated value is finite by construction: weights are normal draws times a scale in
 * [1e-4, 10], inputs normal draws (or orthonormal rows) times a scale in [0.1, 3], so u stays
 * below ~1e3 and every activation, softmax and log-sum-exp in @hsr/numeric is finite there.
 */
import { ACTIVATION_NAMES, type Activation, createRng, type Dataset, type DeepVariant, initModel, type LayeredModel, type Loss, type Model, type Rng, type Variant } from '@hsr/numeric';

/** How the rows of X relate to each other (the Gram matrix K^x of docs/mathematics.md §3). */
export type InputStyle =
  /** i.i.d. standard normal rows. */
  | 'gaussian'
  /** Orthonormal rows (when N <= d; otherwise the first d rows are orthonormal and the rest gaussian), times the scale. */
  | 'orthogonal'
  /** Orthonormal rows plus 1e-3 gaussian noise: K^x nearly, not exactly, diagonal. */
  | 'near-orthogonal';

export interface CaseSpec {
  activation: Activation;
  /** The loss on the logits (absent: cross-entropy) and label smoothing's eps (absent: the default 0.1). */
  loss?: Loss;
  labelSmoothing?: number;
  bias: boolean;
  /** d, h, c, N. */
  inputDim: number;
  hiddenDim: number;
  classes: number;
  samples: number;
  /** Standard deviation of W (and b): 1e-4 is near-zero, 10 saturates sigmoid/tanh units. */
  firstLayerScale: number;
  /** Standard deviation of V (and a): large values drive p_n towards one-hot (S_n -> 0). */
  secondLayerScale: number;
  inputStyle: InputStyle;
  /** Multiplies every input row. */
  inputScale: number;
  /** Seeds the weights, the inputs and the labels. */
  seed: number;
  variant: Variant;
}

/** One model, data set and variant to check, with the spec it was built from. */
export interface CheckCase {
  readonly model: Model;
  readonly data: Dataset;
  readonly variant: Variant;
  /** Absent for cases that came from files rather than from a generator. */
  readonly spec?: CaseSpec;
  /** A one-line description, printed in failure messages. */
  readonly label: string;
}

/** Gram–Schmidt on the rows of an r x d matrix, in place; rows that vanish are left as they are. */
function orthonormaliseRows(X: Float64Array, rows: number, d: number): void {
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < i; k++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += X[i * d + j]! * X[k * d + j]!;
      for (let j = 0; j < d; j++) X[i * d + j]! -= dot * X[k * d + j]!;
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += X[i * d + j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm > 1e-8) for (let j = 0; j < d; j++) X[i * d + j]! /= norm;
  }
}

/** The model a spec describes (weights ~ N(0, scale^2), biases at the same scale). */
export function buildModel(spec: CaseSpec): Model {
  const rng = createRng(spec.seed);
  const { inputDim: d, hiddenDim: h, classes: c } = spec;
  const W = Float64Array.from({ length: h * d }, () => spec.firstLayerScale * rng.normal());
  const b = spec.bias ? Float64Array.from({ length: h }, () => spec.firstLayerScale * rng.normal()) : null;
  const V = Float64Array.from({ length: c * h }, () => spec.secondLayerScale * rng.normal());
  const a = spec.bias ? Float64Array.from({ length: c }, () => spec.secondLayerScale * rng.normal()) : null;
  return { activation: spec.activation, ...lossOfSpec(spec), inputDim: d, hiddenDim: h, classes: c, W, b, V, a };
}

/** The model fields of a spec's loss (none for cross-entropy: the model a spec without a loss always gave). */
function lossOfSpec(spec: Pick<CaseSpec, 'loss' | 'labelSmoothing'>): Pick<Model, 'loss' | 'labelSmoothing'> {
  if (spec.loss === undefined || spec.loss === 'cross-entropy') return {};
  return { loss: spec.loss, ...(spec.loss === 'label-smoothing' && spec.labelSmoothing !== undefined ? { labelSmoothing: spec.labelSmoothing } : {}) };
}

/** The data set a spec describes. Labels are uniform in 0..c-1. */
export function buildDataset(spec: Pick<CaseSpec, 'seed' | 'inputDim' | 'samples' | 'inputStyle' | 'inputScale' | 'classes'>): Dataset {
  // A different stream from the model's, so changing a scale does not change the inputs.
  const rng = createRng((spec.seed ^ 0x5bd1e995) | 0);
  const { inputDim: d, samples: N } = spec;
  const X = Float64Array.from({ length: N * d }, () => rng.normal());
  if (spec.inputStyle !== 'gaussian') {
    orthonormaliseRows(X, Math.min(N, d), d);
    if (spec.inputStyle === 'near-orthogonal') for (let r = 0; r < Math.min(N, d) * d; r++) X[r]! += 1e-3 * rng.normal();
  }
  for (let r = 0; r < X.length; r++) X[r]! *= spec.inputScale;
  const y = Int32Array.from({ length: N }, () => rng.int(spec.classes));
  return { samples: N, features: d, X, y };
}

/** The loss part of a case's description: empty for cross-entropy, else the name (with eps for label smoothing) and a space. */
function lossTag(spec: Pick<CaseSpec, 'loss' | 'labelSmoothing'>): string {
  return spec.loss === undefined || spec.loss === 'cross-entropy' ? '' : `${spec.loss}${spec.loss === 'label-smoothing' ? `(eps=${spec.labelSmoothing ?? 0.1})` : ''} `;
}

/** A short description of a spec: what a person needs to recognise the case. */
export function describeSpec(spec: CaseSpec): string {
  const v = spec.variant;
  const loss = lossTag(spec);
  return (
    `${loss}${spec.activation} d=${spec.inputDim} h=${spec.hiddenDim} c=${spec.classes} N=${spec.samples} ${spec.bias ? 'bias' : 'no-bias'}` +
    ` W~${spec.firstLayerScale} V~${spec.secondLayerScale} X:${spec.inputStyle}x${spec.inputScale} seed=${spec.seed}` +
    ` [${v.reduction}/${v.block}/${v.curvature}]`
  );
}

/** The check case a spec describes. */
export function buildCase(spec: CaseSpec): CheckCase {
  return { model: buildModel(spec), data: buildDataset(spec), variant: spec.variant, spec, label: describeSpec(spec) };
}

// ---------------------------------------------------------------------------------------
// Layered cases: MLPs of any depth L >= 2 (numeric's deep/), the same data, loss and scale
// recipe as a two-layer spec with one width, activation and weight scale per layer.

/** A printable layered case: `widths` d, n_1, ..., n_{L-1}, c; one activation per hidden layer, one weight scale per layer. */
export interface LayeredCaseSpec extends Pick<CaseSpec, 'loss' | 'labelSmoothing' | 'bias' | 'samples' | 'inputStyle' | 'inputScale' | 'seed'> {
  widths: number[];
  activations: Activation[];
  /** Standard deviation of layer l's W_l (and b_l). */
  layerScales: number[];
  variant: DeepVariant;
}

/** One layered model, data set and deep variant to check, with the spec it was built from. */
export interface LayeredCheckCase {
  readonly model: LayeredModel;
  readonly data: Dataset;
  readonly variant: DeepVariant;
  readonly spec?: LayeredCaseSpec;
  readonly label: string;
}

/** The layered model a spec describes (layer by layer, weights then biases ~ N(0, scale_l^2), from createRng(seed)). */
export function buildLayeredModel(spec: LayeredCaseSpec): LayeredModel {
  const rng = createRng(spec.seed);
  const layers = spec.layerScales.map((scale, l) => {
    const n = spec.widths[l]!;
    const m = spec.widths[l + 1]!;
    const W = Float64Array.from({ length: m * n }, () => scale * rng.normal());
    const b = spec.bias ? Float64Array.from({ length: m }, () => scale * rng.normal()) : null;
    return { inputs: n, outputs: m, W, b };
  });
  return { activations: spec.activations, ...lossOfSpec(spec), layers };
}

/** The data set of a layered spec: buildDataset's, with d and c the first and last widths. */
export function buildLayeredDataset(spec: LayeredCaseSpec): Dataset {
  return buildDataset({ ...spec, inputDim: spec.widths[0]!, classes: spec.widths[spec.widths.length - 1]! });
}

/** A short description of a layered spec (layers 1-based, as the CLI's --layers). */
export function describeLayeredSpec(spec: LayeredCaseSpec): string {
  const v = spec.variant;
  const loss = lossTag(spec);
  return (
    `${loss}L=${spec.widths.length - 1} ${spec.activations.join(',')} widths=${spec.widths.join('-')} N=${spec.samples} ${spec.bias ? 'bias' : 'no-bias'}` +
    ` scales=${spec.layerScales.join(',')} X:${spec.inputStyle}x${spec.inputScale} seed=${spec.seed}` +
    ` [${v.reduction}/${v.curvature}/layers ${v.layers.map((l) => l + 1).join(',')}]`
  );
}

/** The layered check case a spec describes. */
export function buildLayeredCase(spec: LayeredCaseSpec): LayeredCheckCase {
  return { model: buildLayeredModel(spec), data: buildLayeredDataset(spec), variant: spec.variant, spec, label: describeLayeredSpec(spec) };
}

/** A check case for a given model and data (from files, say), labelled by the caller. */
export function fixedCase(model: Model, data: Dataset, variant: Variant, label: string): CheckCase {
  return { model, data, variant, label };
}

// ---------------------------------------------------------------------------------------
// Seeded cases for unit tests: a shape and a seed, drawn by one of two weight recipes. Every
// package's tests build their fixed cases here (the generated ones come from `caseArbitrary`).

/** The shape and seed of a seeded case. */
export type SeededShape = Pick<CaseSpec, 'activation' | 'bias' | 'inputDim' | 'hiddenDim' | 'classes' | 'samples' | 'seed'> & Pick<CaseSpec, 'loss' | 'labelSmoothing'>;

/**
 * How a seeded case draws its weights:
 * - `normal`: every weight and bias ~ N(0, scale^2) from createRng(seed), in the order W, b, V,
 *   a, then the inputs and labels from the same stream (O(1) weights: every unit curved);
 * - `glorot`: numeric's initModel(seed, scale) for W and V, then biases ~ N(0, biasScale^2),
 *   the inputs and the labels from createRng(seed + 7919) (scale 3 saturates units).
 * Inputs are standard normal. Labels are uniform draws, or with `everyClass` the first c
 * samples take the labels 0..c-1 so that every class is present.
 */
export type WeightRecipe = { readonly kind: 'normal'; readonly scale: number } | { readonly kind: 'glorot'; readonly scale: number; readonly biasScale: number };

export interface SeededCaseOptions {
  readonly weights: WeightRecipe;
  readonly everyClass?: boolean;
}

export interface SeededCase {
  /** `tanh-bias-d3h5c3N7` (with `-x3` for a glorot scale other than 1). */
  readonly name: string;
  readonly model: Model;
  readonly data: Dataset;
}

/** The model and data a shape, a seed and a recipe describe (see WeightRecipe). */
export function seededCase(shape: SeededShape, options: SeededCaseOptions): SeededCase {
  const { activation, bias, inputDim: d, hiddenDim: h, classes: c, samples: N, seed } = shape;
  const w = options.weights;
  let model: Model;
  let rng: Rng;
  if (w.kind === 'normal') {
    rng = createRng(seed);
    const vec = (n: number) => Float64Array.from({ length: n }, () => w.scale * rng.normal());
    const W = vec(h * d);
    const b = bias ? vec(h) : null;
    const V = vec(c * h);
    const a = bias ? vec(c) : null;
    model = { activation, ...lossOfSpec(shape), inputDim: d, hiddenDim: h, classes: c, W, b, V, a };
  } else {
    const base = { ...initModel({ activation, inputDim: d, hiddenDim: h, classes: c, bias, seed, scale: w.scale }), ...lossOfSpec(shape) };
    rng = createRng(seed + 7919);
    const b = bias ? Float64Array.from({ length: h }, () => w.biasScale * rng.normal()) : null;
    const a = bias ? Float64Array.from({ length: c }, () => w.biasScale * rng.normal()) : null;
    model = { ...base, b, a };
  }
  const X = Float64Array.from({ length: N * d }, () => rng.normal());
  const y = Int32Array.from({ length: N }, (_, n) => (options.everyClass && n < c ? n : rng.int(c)));
  const scaleTag = w.kind === 'glorot' && w.scale !== 1 ? `-x${w.scale}` : '';
  const lossTag = shape.loss === undefined || shape.loss === 'cross-entropy' ? '' : `${shape.loss}-`;
  return { name: `${lossTag}${activation}-${bias ? 'bias' : 'nobias'}-d${d}h${h}c${c}N${N}${scaleTag}`, model, data: { samples: N, features: d, X, y } };
}

/** Glorot weights with biases ~ N(0, 0.3^2): the recipe of `caseSpread`. */
const SPREAD: SeededCaseOptions = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } };

/**
 * A spread of small cases for the closed forms' rewrite tests: every activation x bias at a
 * small odd size, plus shapes that stress the edges (odd and even N and h so blocked loops hit
 * their remainder paths, N = 1, c = 2 and 5, saturated units).
 */
export function caseSpread(): SeededCase[] {
  const out: SeededCase[] = [];
  let seed = 11;
  const add = (shape: Omit<SeededShape, 'seed'>, scale = 1) => out.push(seededCase({ ...shape, seed: seed++ }, { weights: { ...SPREAD.weights, scale } as WeightRecipe }));
  for (const activation of ACTIVATION_NAMES) for (const bias of [true, false]) add({ activation, bias, inputDim: 3, hiddenDim: 5, classes: 3, samples: 7 });
  add({ activation: 'tanh', bias: true, inputDim: 4, hiddenDim: 9, classes: 4, samples: 13 });
  add({ activation: 'sigmoid', bias: false, inputDim: 2, hiddenDim: 6, classes: 2, samples: 1 });
  add({ activation: 'gelu', bias: true, inputDim: 5, hiddenDim: 4, classes: 5, samples: 10 }, 3);
  add({ activation: 'silu', bias: true, inputDim: 3, hiddenDim: 8, classes: 3, samples: 16 });
  // The other losses: their S_n, g_n and logit adjoints through the same engine paths.
  add({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 5, classes: 3, samples: 9, loss: 'mse' });
  add({ activation: 'softplus', bias: false, inputDim: 4, hiddenDim: 6, classes: 4, samples: 7, loss: 'label-smoothing', labelSmoothing: 0.2 });
  add({ activation: 'gelu', bias: true, inputDim: 2, hiddenDim: 7, classes: 3, samples: 11, loss: 'binary-cross-entropy' }, 3);
  return out;
}
