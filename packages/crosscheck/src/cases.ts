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
import { createRng, type Activation, type Dataset, type Model, type Variant } from '@hsr/numeric';

/** How the rows of X relate to each other (the Gram matrix K^x of MATH.md §3). */
export type InputStyle =
  /** i.i.d. standard normal rows. */
  | 'gaussian'
  /** Orthonormal rows (when N <= d; otherwise the first d rows are orthonormal and the rest gaussian), times the scale. */
  | 'orthogonal'
  /** Orthonormal rows plus 1e-3 gaussian noise: K^x nearly, not exactly, diagonal. */
  | 'near-orthogonal';

export interface CaseSpec {
  activation: Activation;
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
  return { activation: spec.activation, inputDim: d, hiddenDim: h, classes: c, W, b, V, a };
}

/** The data set a spec describes. Labels are uniform in 0..c-1. */
export function buildDataset(spec: CaseSpec): Dataset {
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

/** A short description of a spec: what a person needs to recognise the case. */
export function describeSpec(spec: CaseSpec): string {
  const v = spec.variant;
  return (
    `${spec.activation} d=${spec.inputDim} h=${spec.hiddenDim} c=${spec.classes} N=${spec.samples} ${spec.bias ? 'bias' : 'no-bias'}` +
    ` W~${spec.firstLayerScale} V~${spec.secondLayerScale} X:${spec.inputStyle}x${spec.inputScale} seed=${spec.seed}` +
    ` [${v.reduction}/${v.block}/${v.curvature}]`
  );
}

/** The check case a spec describes. */
export function buildCase(spec: CaseSpec): CheckCase {
  return { model: buildModel(spec), data: buildDataset(spec), variant: spec.variant, spec, label: describeSpec(spec) };
}

/** A check case for a given model and data (from files, say), labelled by the caller. */
export function fixedCase(model: Model, data: Dataset, variant: Variant, label: string): CheckCase {
  return { model, data, variant, label };
}
