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
import { ACTIVATION_NAMES, BLOCKS, CURVATURES, LOSS_NAMES, REDUCTIONS, type Activation, type Curvature, type Dataset, type DeepVariant, type Loss, type Model, type Reduction, type Variant } from '@hsr/numeric';
import { buildCase, buildDataset, buildLayeredCase, buildModel, type CaseSpec, type CheckCase, type InputStyle, type LayeredCaseSpec, type LayeredCheckCase } from './cases.ts';

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

/** Input styles, gaussian first (what shrinking converges to) and three times as likely as each other style. */
function inputStyleArbitrary(styles: readonly InputStyle[] = INPUT_STYLES): fc.Arbitrary<InputStyle> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant<InputStyle>('gaussian') }, ...styles.filter((s) => s !== 'gaussian').map((s) => ({ weight: 1, arbitrary: fc.constant(s) })));
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
    inputStyle: inputStyleArbitrary(options.inputStyles),
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
    .map((r) => buildDataset({ inputDim: options.features, classes: options.classes, ...r }));
}

// ---------------------------------------------------------------------------------------
// Layered cases (MLPs of any depth).

export interface LayeredCaseOptions extends Pick<CaseOptions, 'activations' | 'losses' | 'bias' | 'weightScales' | 'inputStyles' | 'samples'> {
  /** L, the number of linear layers, inclusive range (default 2..4). */
  depth?: [number, number];
  /** Widths of the input and hidden layers, inclusive (default 1..3). */
  width?: [number, number];
  /** c, inclusive (default 2..3). */
  classes?: [number, number];
  /** Reductions and curvatures to draw from (default both of each). */
  reductions?: readonly Reduction[];
  curvatures?: readonly Curvature[];
  /** Only layer sets with at least this many layers (default 1; 2 keeps a cross-layer block in every case). */
  minLayers?: number;
}

/**
 * Specs of layered cases: depth L, tiny widths, one activation per hidden layer (shrinking
 * towards one activation everywhere: the first of the list), biases on/off, every loss, one
 * weight scale per layer from the two-layer mix, the same input styles and scales, and a deep
 * variant whose block is any non-empty set of layers (shrinking towards all of them).
 */
export function layeredCaseSpecArbitrary(options: LayeredCaseOptions = {}): fc.Arbitrary<LayeredCaseSpec> {
  const [lMin, lMax] = options.depth ?? [2, 4];
  const [wMin, wMax] = options.width ?? [1, 3];
  const [cMin, cMax] = options.classes ?? [2, 3];
  const [nMin, nMax] = options.samples ?? [1, 4];
  const scales = options.weightScales ?? DEFAULT_WEIGHT_SCALES;
  const activations = options.activations ?? ACTIVATION_NAMES;
  return fc.integer({ min: lMin, max: lMax }).chain((L) => {
    const all = Array.from({ length: L }, (_, l) => l);
    const minLayers = Math.min(L, options.minLayers ?? 1);
    return fc.record({
      widths: fc.tuple(fc.array(fc.integer({ min: wMin, max: wMax }), { minLength: L, maxLength: L }), fc.integer({ min: cMin, max: cMax })).map(([ws, c]) => [...ws, c]),
      activations: fc.array(fc.constantFrom(...activations), { minLength: L - 1, maxLength: L - 1 }),
      loss: fc.constantFrom(...(options.losses ?? LOSS_NAMES)),
      labelSmoothing: fc.constantFrom(0.1, 0.3),
      bias: options.bias === undefined ? fc.boolean() : fc.constant(options.bias),
      samples: fc.integer({ min: nMin, max: nMax }),
      layerScales: fc.array(scaleArbitrary(scales), { minLength: L, maxLength: L }),
      inputStyle: inputStyleArbitrary(options.inputStyles),
      inputScale: fc.constantFrom(1, 0.1, 3),
      seed: fc.nat({ max: 0x7fffffff }),
      variant: fc.record({
        reduction: fc.constantFrom(...(options.reductions ?? REDUCTIONS)),
        curvature: fc.constantFrom(...(options.curvatures ?? CURVATURES)),
        // The layers dropped from the block: shrinking drops none, the whole-model block.
        layers: fc.subarray(all, { maxLength: L - minLayers }).map((dropped) => all.filter((l) => !dropped.includes(l))),
      }) as fc.Arbitrary<DeepVariant>,
    });
  });
}

/** Whole layered check cases built from a generated spec. */
export function layeredCaseArbitrary(options: LayeredCaseOptions = {}): fc.Arbitrary<LayeredCheckCase> {
  return layeredCaseSpecArbitrary(options).map(buildLayeredCase);
}
