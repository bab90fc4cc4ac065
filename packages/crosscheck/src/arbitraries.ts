/**
 * fast-check arbitraries for networks, data sets, variants and whole check cases.
 *
 * They generate printable `CaseSpec`s (cases.ts) and map them to float64 arrays, so
 * shrinking acts on shapes, scales and styles (towards d = h = 1, c = 2, N = 1, unit scales,
 * gaussian inputs, seed 0) and a shrunk counterexample reads like
 * "tanh d=1 h=1 c=2 N=2 bias W~1 V~1 X:gaussian x1 seed=0 [mean/all/hessian]".
 *
 * Weighting: extreme scales (near-zero 1e-4 weights, saturating 10) and orthogonal inputs are
 * each generated on purpose but in a minority of cases, so the degenerate regimes (S_n -> 0,
 * phi' -> 0, H ~ 0) are covered without dominating; `test/arbitraries.test.ts` measures the
 * share of cases with a non-trivial spectrum.
 */
import fc from 'fast-check';
import { ACTIVATION_NAMES, BLOCKS, CURVATURES, LOSS_NAMES, REDUCTIONS, type Activation, type Dataset, type Loss, type Model, type Variant } from '@hsr/numeric';
import { buildCase, buildDataset, buildModel, type CaseSpec, type CheckCase, type InputStyle } from './cases.ts';

export interface ShapeLimits {
  /** Inclusive ranges; defaults d, h in 1..6, c in 2..4, N in 1..8. */
  inputDim?: [number, number];
  hiddenDim?: [number, number];
  classes?: [number, number];
  samples?: [number, number];
}

export interface CaseOptions extends ShapeLimits {
  activations?: readonly Activation[];
  /** The losses to draw from (default: every loss; cross-entropy first, what shrinking converges to). */
  losses?: readonly Loss[];
  /** Restrict the variants (default: every reduction, block and curvature). */
  variants?: readonly Variant[];
  /** Force biases on or off (default: both). */
  bias?: boolean;
  /** Weight scales to draw from, with weights (default: mostly 1, some 1e-4, 0.3, 3, 10). */
  weightScales?: readonly { weight: number; scale: number }[];
  inputStyles?: readonly InputStyle[];
}

/** The default weight-scale mix: 1e-4 is "near-zero", 10 saturates sigmoid and tanh. */
export const DEFAULT_WEIGHT_SCALES: readonly { weight: number; scale: number }[] = [
  { weight: 5, scale: 1 },
  { weight: 2, scale: 0.3 },
  { weight: 2, scale: 3 },
  { weight: 1, scale: 1e-4 },
  { weight: 1, scale: 10 },
];

const INPUT_STYLES: readonly InputStyle[] = ['gaussian', 'orthogonal', 'near-orthogonal'];

function scaleArbitrary(scales: readonly { weight: number; scale: number }[]): fc.Arbitrary<number> {
  // The first entry is what shrinking converges to, so keep the unit scale first.
  return fc.oneof(...scales.map((s) => ({ weight: s.weight, arbitrary: fc.constant(s.scale) })));
}

/** Variants: every reduction x block x curvature (or the listed ones). */
export function variantArbitrary(variants?: readonly Variant[]): fc.Arbitrary<Variant> {
  if (variants) return fc.constantFrom(...variants);
  return fc.record({ reduction: fc.constantFrom(...REDUCTIONS), block: fc.constantFrom(...BLOCKS), curvature: fc.constantFrom(...CURVATURES) });
}

/** Specs of whole cases: shapes, scales, input style, seed and variant. */
export function caseSpecArbitrary(options: CaseOptions = {}): fc.Arbitrary<CaseSpec> {
  const [dMin, dMax] = options.inputDim ?? [1, 6];
  const [hMin, hMax] = options.hiddenDim ?? [1, 6];
  const [cMin, cMax] = options.classes ?? [2, 4];
  const [nMin, nMax] = options.samples ?? [1, 8];
  const scales = options.weightScales ?? DEFAULT_WEIGHT_SCALES;
  return fc.record({
    activation: fc.constantFrom(...(options.activations ?? ACTIVATION_NAMES)),
    loss: fc.constantFrom(...(options.losses ?? LOSS_NAMES)),
    labelSmoothing: fc.constantFrom(0.1, 0.3),
    bias: options.bias === undefined ? fc.boolean() : fc.constant(options.bias),
    inputDim: fc.integer({ min: dMin, max: dMax }),
    hiddenDim: fc.integer({ min: hMin, max: hMax }),
    classes: fc.integer({ min: cMin, max: cMax }),
    samples: fc.integer({ min: nMin, max: nMax }),
    firstLayerScale: scaleArbitrary(scales),
    secondLayerScale: scaleArbitrary(scales),
    inputStyle: fc.oneof({ weight: 3, arbitrary: fc.constant<InputStyle>('gaussian') }, ...(options.inputStyles ?? INPUT_STYLES).filter((s) => s !== 'gaussian').map((s) => ({ weight: 1, arbitrary: fc.constant(s) }))),
    inputScale: fc.constantFrom(1, 0.1, 3),
    seed: fc.nat({ max: 0x7fffffff }),
    variant: variantArbitrary(options.variants),
  });
}

/** Whole check cases (model, data, variant) built from a generated spec. */
export function caseArbitrary(options: CaseOptions = {}): fc.Arbitrary<CheckCase> {
  return caseSpecArbitrary(options).map(buildCase);
}

/** Networks alone (activation, bias on/off, shapes and weight scale from `options`). */
export function networkArbitrary(options: CaseOptions = {}): fc.Arbitrary<Model> {
  return caseSpecArbitrary(options).map(buildModel);
}

/**
 * Data sets for a network of input dimension d and c classes: N samples with the given
 * orthogonality style and scale (orthonormal rows when N <= d).
 */
export function datasetArbitrary(options: { features: number; classes: number; samples?: [number, number]; inputStyles?: readonly InputStyle[]; inputScales?: readonly number[] }): fc.Arbitrary<Dataset> {
  const [nMin, nMax] = options.samples ?? [1, 8];
  return fc
    .record({
      samples: fc.integer({ min: nMin, max: nMax }),
      inputStyle: fc.constantFrom(...(options.inputStyles ?? INPUT_STYLES)),
      inputScale: fc.constantFrom(...(options.inputScales ?? [1, 0.1, 3])),
      seed: fc.nat({ max: 0x7fffffff }),
    })
    .map((r) =>
      buildDataset({
        activation: 'tanh',
        bias: false,
        inputDim: options.features,
        hiddenDim: 1,
        classes: options.classes,
        firstLayerScale: 1,
        secondLayerScale: 1,
        variant: { reduction: 'mean', block: 'all', curvature: 'hessian' },
        ...r,
      }),
    );
}
