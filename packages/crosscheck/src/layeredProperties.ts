/**
 * The named properties for MLPs of any depth (numeric's deep/): each holds one quantity of a
 * `LayeredImplementations` (numeric's deep closed forms by default) against an independent
 * oracle, on `LayeredCheckCase`s (layeredCaseArbitrary: L = 2..4, per-layer activations, any
 * block of layers, both curvatures, every loss).
 *
 * They are `layered-` variants of the two-layer properties (properties.ts) rather than the same
 * properties with a depth dimension: the case (LayeredModel, a DeepVariant's set of layers) and
 * the seam (LayeredImplementations) have other types, so one property over both would make every
 * two-layer consumer (checkAgainstOracles, the audit, the symbolic leg, HSR_REPLAY keys and the
 * recorded mutation tables) take a union it cannot use. The comparisons themselves are the
 * two-layer ones, shared (eigenvalueSumParts, spectrumEnclosureParts, traceAndBoundDifferences,
 * ...), with the same named tolerances.
 *
 *   name                                            quantity under test          oracle
 *   layered-trace-equals-eigenvalue-sum             T1                           sum of eigenvalues of numeric's dense deep H
 *   layered-trace2-equals-eigenvalue-square-sum     T2                           sum of squared eigenvalues
 *   layered-closed-form-traces-equal-dense-traces   T1, T2                       diagonal sum / Frobenius norm of dense deep H
 *   layered-ws-bounds-enclose-spectrum              the five WS bounds           extreme eigenvalues of dense deep H
 *   layered-hessian-symmetric                       dense deep H                 its transpose
 *   layered-hessian-equals-autodiff                 dense deep H                 @hsr/autodiff's deep Hessian (jets)
 *   layered-traces-equal-autodiff                   T1, T2, WS bounds            traces of the autodiff deep Hessian
 *   layered-loss-gradient-vs-central-difference     loss gradient                five-point difference of the deep loss
 *   layered-hessian-vs-gradient-central-difference  dense deep H (hessian)       five-point difference of the gradient
 *   layered-trace-gradient-vs-central-difference    grad T1, grad T2             five-point difference of T1, T2
 *   layered-bound-gradient-vs-central-difference    bound gradients              five-point difference of the bounds
 *   layered-trace-gradients-equal-autodiff          grad T1, grad T2             third-order autodiff
 *   layered-bound-gradients-equal-autodiff          bound gradients              autodiff's chain rule over those
 *
 * The dense oracle is numeric's deepDenseHessian (held to autodiff by
 * layered-hessian-equals-autodiff), never the implementation under test.
 */
import {
  layerOffset,
  layerParameterCount,
  flattenLayered,
  matrixTraces,
  symmetricEigenvalues,
  unflattenLayered,
  wolkowiczStyanBounds,
  deepDenseHessian,
  type BoundKind,
  type DeepVariant,
  type LayeredModel,
  type SymmetricMatrix,
} from '@hsr/numeric';
import { LAYERED_AUTODIFF } from './autodiffLeg.ts';
import type { LayeredCheckCase } from './cases.ts';
import { fivePointJacobian, layeredParameterSteps, type FiniteDifference } from './finiteDifference.ts';
import { NUMERIC_LAYERED_IMPLEMENTATIONS, type LayeredImplementations } from './implementations.ts';
import { boundRoundoff, layeredLossMagnitude, layeredTraceRoundoff } from './magnitudes.ts';
import { comparePart, outcome, skipped, type PropertyOutcome } from './outcome.ts';
import {
  boundGradientAutodiffParts,
  boundGradientDifferenceParts,
  boundKinkReason,
  define,
  denseTraceParts,
  eigenvalueSquareSumParts,
  eigenvalueSumParts,
  implMemoised,
  memo,
  type NamedProperty,
  spectrumEnclosureParts,
  symmetryParts,
  traceAndBoundDifferences,
  traceGradientAutodiffParts,
  traceGradientDifferenceParts,
  type TracesWithFloors,
} from './properties.ts';
import { CLOSED_FORM_ROUNDOFF_UNITS, EPS, FIVE_POINT_STEP, RTOL_SAME_FORMULA, RTOL_SPECTRUM_ENCLOSURE, RTOL_VS_AUTODIFF, RTOL_VS_DENSE, RTOL_VS_FINITE_DIFFERENCE } from './tolerances.ts';

export type LayeredProperty = NamedProperty<LayeredCheckCase, LayeredImplementations>;

/** A deep variant as a memo key. */
export const deepVariantKey = (v: DeepVariant) => `${v.reduction}/${v.curvature}/${v.layers.join(',')}`;

/** theta_i by name, layers 1-based as the CLI's --layers: `W2[i][j]`, `b2[i]`. */
export function layeredParameterName(model: LayeredModel, index: number): string {
  let l = 0;
  while (l + 1 < model.layers.length && layerOffset(model, l + 1) <= index) l++;
  const layer = model.layers[l]!;
  const nt = layer.inputs + (layer.b ? 1 : 0);
  const r = index - layerOffset(model, l);
  const i = Math.floor(r / nt);
  const j = r % nt;
  return j === layer.inputs ? `b${l + 1}[${i}]` : `W${l + 1}[${i}][${j}]`;
}

/** Entry names of the block Hessian of `layers` (its rows are those layers' slices in theta order). */
export function layeredBlockEntryName(model: LayeredModel, layers: readonly number[]): (index: number) => string {
  const theta: number[] = [];
  for (const l of layers) for (let k = 0; k < layerParameterCount(model, l); k++) theta.push(layerOffset(model, l) + k);
  const P = theta.length;
  return (index) => `H[${layeredParameterName(model, theta[Math.floor(index / P)]!)}, ${layeredParameterName(model, theta[index % P]!)}]`;
}

/** numeric's dense deep Hessian block at the case (the oracle of the dense legs), memoised. */
export function layeredOracleHessian(c: LayeredCheckCase): SymmetricMatrix {
  return memo(c, `deepH:${deepVariantKey(c.variant)}`, () => deepDenseHessian(c.model, c.data, c.variant));
}

function oracleEigenvalues(c: LayeredCheckCase): Float64Array {
  return memo(c, `deepEig:${deepVariantKey(c.variant)}`, () => symmetricEigenvalues(layeredOracleHessian(c)));
}

/** The closed forms' round-off floors at the case (magnitudes.ts layeredTraceRoundoff). */
export function layeredFloors(c: LayeredCheckCase): { traceH: number; traceH2: number } {
  return memo(c, `deepFloors:${deepVariantKey(c.variant)}`, () => layeredTraceRoundoff(c.model, c.data, c.variant, layeredOracleHessian(c)));
}

function steps(c: LayeredCheckCase): Float64Array {
  return memo(c, 'deepSteps', () => layeredParameterSteps(c.model, c.data));
}

/** Each coordinate's length scale: its five-point step over FIVE_POINT_STEP. */
export function layeredLengthScales(c: LayeredCheckCase): Float64Array {
  return memo(c, 'deepLengths', () => Float64Array.from(steps(c), (h) => h / FIVE_POINT_STEP));
}

/** The implementation's T1, T2, P_b and the floors. */
export function layeredTraces(c: LayeredCheckCase, impl: LayeredImplementations): TracesWithFloors {
  return implMemoised(c, impl, `deepTraces:${deepVariantKey(c.variant)}`, () => {
    const t = impl.hessianTraces(c.model, c.data, c.variant);
    const P = c.variant.layers.reduce((s, l) => s + layerParameterCount(c.model, l), 0);
    return { traceH: t.traceH, traceH2: t.traceH2, P, floors: layeredFloors(c) };
  });
}

function differences(c: LayeredCheckCase, impl: LayeredImplementations): FiniteDifference {
  return implMemoised(c, impl, `deepFd:${deepVariantKey(c.variant)}`, () =>
    traceAndBoundDifferences((theta) => impl.hessianTraces(unflattenLayered(c.model, theta), c.data, c.variant), impl.wolkowiczStyanBounds, flattenLayered(c.model), layeredTraces(c, impl), steps(c)),
  );
}

function autodiffTraceGradients(c: LayeredCheckCase) {
  return memo(c, `deepAdTg:${deepVariantKey(c.variant)}`, () => LAYERED_AUTODIFF.traceGradients(c.model, c.data, c.variant));
}

function autodiffHessian(c: LayeredCheckCase): SymmetricMatrix {
  return memo(c, `deepAdH:${deepVariantKey(c.variant)}`, () => LAYERED_AUTODIFF.hessian(c.model, c.data, c.variant));
}

/** Why a bound's gradient is not checked here (boundKinkReason at the case's traces and floors), or null. */
export function layeredKink(t: TracesWithFloors): string | null {
  return boundKinkReason(t.traceH, t.traceH2, t.P, t.floors.traceH, t.floors.traceH2);
}

function layered(p: Omit<LayeredProperty, 'check'> & { run: (c: LayeredCheckCase, impl: LayeredImplementations) => PropertyOutcome }): LayeredProperty {
  return define<LayeredCheckCase, LayeredImplementations>(p, NUMERIC_LAYERED_IMPLEMENTATIONS);
}

const DENSE_WHY =
  'as the two-layer property of the same name, against numeric’s dense deep Hessian; absolute floors 64 eps M, 64 eps M^2 with M = sum_ij |H_ij| at the case or under mse, the unsaturated scale (layeredTraceRoundoff)';

export const layeredTraceEqualsEigenvalueSum = layered({
  name: 'layered-trace-equals-eigenvalue-sum',
  description: 'closed-form deep T1 equals the sum of the eigenvalues of the dense deep Hessian block',
  leg: 'dense eigenvalues',
  tolerance: { rtol: RTOL_VS_DENSE, why: `${DENSE_WHY}; relative to sum |lambda|` },
  run: (c, impl) => outcome(eigenvalueSumParts(oracleEigenvalues(c), layeredTraces(c, impl))),
});

export const layeredTrace2EqualsEigenvalueSquareSum = layered({
  name: 'layered-trace2-equals-eigenvalue-square-sum',
  description: 'closed-form deep T2 equals the sum of the squared eigenvalues of the dense deep Hessian block',
  leg: 'dense eigenvalues',
  tolerance: { rtol: RTOL_VS_DENSE, why: `${DENSE_WHY}; relative to T2 (a sum of squares)` },
  run: (c, impl) => outcome(eigenvalueSquareSumParts(oracleEigenvalues(c), layeredTraces(c, impl))),
});

export const layeredClosedFormTracesEqualDenseTraces = layered({
  name: 'layered-closed-form-traces-equal-dense-traces',
  description: 'closed-form deep T1, T2 equal the diagonal sum and squared Frobenius norm of the dense deep Hessian block',
  leg: 'dense matrix',
  tolerance: { rtol: RTOL_VS_DENSE, why: `${DENSE_WHY}; T1 relative to sum_i |H_ii|, T2 to itself` },
  run: (c, impl) => outcome(denseTraceParts(layeredOracleHessian(c), layeredTraces(c, impl))),
});

export const layeredWsBoundsEncloseSpectrum = layered({
  name: 'layered-ws-bounds-enclose-spectrum',
  description: 'all five Wolkowicz–Styan inequalities hold for the dense deep spectrum, with the bounds from the closed-form deep traces',
  leg: 'dense eigenvalues',
  tolerance: { rtol: RTOL_SPECTRUM_ENCLOSURE, why: 'slack 1e-10 max|lambda| plus the bounds’ round-off from the traces’ floors (boundRoundoff), as ws-bounds-enclose-spectrum' },
  run(c, impl) {
    const t = layeredTraces(c, impl);
    return outcome(spectrumEnclosureParts(oracleEigenvalues(c), t, impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P)));
  },
});

export const layeredHessianSymmetric = layered({
  name: 'layered-hessian-symmetric',
  description: 'the dense deep Hessian block equals its transpose',
  leg: 'transpose',
  tolerance: { rtol: RTOL_SAME_FORMULA, why: 'the cross blocks are mirrored and the diagonal blocks are sums of symmetric Kronecker terms: a few ulps, relative to max |H|' },
  run: (c, impl) => outcome(symmetryParts(impl.denseHessian(c.model, c.data, c.variant), layeredBlockEntryName(c.model, c.variant.layers))),
});

const AUTODIFF_WHY =
  'forward-mode jets over the deep loss definition (deepLoss.ts) sum the same terms in another order; relative to the largest entry, with the closed forms’ floors (over each coordinate’s length scale for derivatives)';

export const layeredHessianEqualsAutodiff = layered({
  name: 'layered-hessian-equals-autodiff',
  description: 'the dense deep Hessian block (or Gauss–Newton part) equals the autodiff deep Hessian',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: AUTODIFF_WHY },
  run(c, impl) {
    const H = impl.denseHessian(c.model, c.data, c.variant);
    return outcome([comparePart('hessian', 'autodiff', H.data, autodiffHessian(c).data, { rtol: RTOL_VS_AUTODIFF, atol: layeredFloors(c).traceH, name: layeredBlockEntryName(c.model, c.variant.layers) })]);
  },
});

export const layeredTracesEqualAutodiff = layered({
  name: 'layered-traces-equal-autodiff',
  description: 'closed-form deep T1, T2 and the five WS bounds equal those of the autodiff deep Hessian',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: `${AUTODIFF_WHY}; T1 relative to |T1| + sqrt(P T2), bounds relative to |m| + s sqrt(P)` },
  run(c, impl) {
    const t = layeredTraces(c, impl);
    const ad = matrixTraces(autodiffHessian(c));
    const mine = impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P);
    const theirs = wolkowiczStyanBounds(ad.traceH, ad.traceH2, t.P);
    const boundScale = Math.abs(theirs.mean) + theirs.spread * Math.sqrt(t.P);
    const e = boundRoundoff(ad.traceH, ad.traceH2, t.P, t.floors.traceH, t.floors.traceH2);
    return outcome([
      comparePart('traceH', 'autodiff', t.traceH, ad.traceH, { rtol: RTOL_VS_AUTODIFF, scale: Math.abs(ad.traceH) + Math.sqrt(t.P * Math.abs(ad.traceH2)), atol: t.floors.traceH }),
      comparePart('traceH2', 'autodiff', t.traceH2, ad.traceH2, { rtol: RTOL_VS_AUTODIFF, atol: t.floors.traceH2 }),
      ...(['lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower', 'rangeUpper'] as const).map((k) =>
        comparePart(k, 'autodiff', mine[k], theirs[k], { rtol: RTOL_VS_AUTODIFF, scale: boundScale, atol: e }),
      ),
    ]);
  },
});

export const layeredTraceGradientVsCentralDifference = layered({
  name: 'layered-trace-gradient-vs-central-difference',
  description: 'closed-form deep gradients of T1 and T2 equal five-point differences of the closed-form deep T1, T2',
  leg: 'central difference',
  tolerance: { rtol: RTOL_VS_FINITE_DIFFERENCE, why: 'five-point stencil, steps layeredParameterSteps (<= 2^-10), floor 1.5 x the traces’ floors over the step; relative to max |gradient|' },
  run: (c, impl) => outcome(traceGradientDifferenceParts(impl.traceGradients(c.model, c.data, c.variant), differences(c, impl), (i) => layeredParameterName(c.model, i))),
});

export const layeredBoundGradientVsCentralDifference = layered({
  name: 'layered-bound-gradient-vs-central-difference',
  description: 'closed-form deep gradients of the upper, lower and range bounds equal five-point differences of the bounds (and their values match WS of the traces)',
  leg: 'central difference',
  tolerance: { rtol: RTOL_VS_FINITE_DIFFERENCE, why: 'as bound-gradient-vs-central-difference: only where R > 1e-3 sqrt(T2), away from the kink at R = 0; the value to RTOL_SAME_FORMULA' },
  run(c, impl) {
    const t = layeredTraces(c, impl);
    const reason = layeredKink(t);
    if (reason) return skipped(reason);
    const b = impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P);
    return outcome(
      boundGradientDifferenceParts(
        t,
        b,
        differences(c, impl),
        (of) => impl.boundGradient(c.model, c.data, c.variant, of),
        (j) => layeredParameterName(c.model, j),
      ),
    );
  },
});

export const layeredLossGradientVsCentralDifference = layered({
  name: 'layered-loss-gradient-vs-central-difference',
  description: 'the analytic deep loss gradient equals a five-point difference of the deep loss',
  leg: 'central difference',
  tolerance: { rtol: RTOL_VS_FINITE_DIFFERENCE, why: 'five-point stencil, steps layeredParameterSteps, absolute floor 64 eps times the loss terms’ size (layeredLossMagnitude) over the step; relative to max |gradient|' },
  run(c, impl) {
    const r = c.variant.reduction;
    const g = impl.lossGradient(c.model, c.data, r);
    const valueError = [CLOSED_FORM_ROUNDOFF_UNITS * EPS * layeredLossMagnitude(c.model, c.data, r)];
    const fd = fivePointJacobian((theta) => [impl.loss(unflattenLayered(c.model, theta), c.data, r)], flattenLayered(c.model), { step: steps(c), valueError });
    return outcome([comparePart('lossGradient', 'central difference', g, fd.jacobian, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: fd.roundoff, name: (i) => `dL/d${layeredParameterName(c.model, i)}` })]);
  },
});

export const layeredHessianVsGradientCentralDifference = layered({
  name: 'layered-hessian-vs-gradient-central-difference',
  description: 'the dense deep Hessian block (curvature forced to hessian: Gauss–Newton is no derivative) equals a five-point difference of the analytic deep gradient',
  leg: 'central difference',
  tolerance: {
    rtol: RTOL_VS_FINITE_DIFFERENCE,
    why: 'five-point stencil, steps layeredParameterSteps; each gradient entry’s evaluation error 64 eps layeredLossMagnitude over its length scale, over the step; relative to max |H|',
  },
  run(c, impl) {
    const variant: DeepVariant = { ...c.variant, curvature: 'hessian' };
    const H = impl.denseHessian(c.model, c.data, variant);
    const theta: number[] = [];
    for (const l of variant.layers) for (let k = 0; k < layerParameterCount(c.model, l); k++) theta.push(layerOffset(c.model, l) + k);
    const P = theta.length;
    const lossError = CLOSED_FORM_ROUNDOFF_UNITS * EPS * layeredLossMagnitude(c.model, c.data, variant.reduction);
    const fd = fivePointJacobian((x) => impl.lossGradient(unflattenLayered(c.model, x), c.data, variant.reduction), flattenLayered(c.model), {
      coordinates: theta,
      step: steps(c),
      valueError: Array.from(layeredLengthScales(c), (l) => lossError / l),
    });
    const expected = new Float64Array(P * P);
    const atol = new Float64Array(P * P);
    for (let r = 0; r < P; r++)
      for (let q = 0; q < P; q++) {
        expected[r * P + q] = fd.jacobian[theta[r]! * fd.inputs + theta[q]!]!;
        atol[r * P + q] = fd.roundoff[theta[r]! * fd.inputs + theta[q]!]!;
      }
    return outcome([comparePart('hessian', 'central difference', H.data, expected, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol, name: layeredBlockEntryName(c.model, variant.layers) })]);
  },
});

export const layeredTraceGradientsEqualAutodiff = layered({
  name: 'layered-trace-gradients-equal-autodiff',
  description: 'closed-form deep gradients of T1 and T2 equal the third-order autodiff ones',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: AUTODIFF_WHY },
  run: (c, impl) => outcome(traceGradientAutodiffParts(impl.traceGradients(c.model, c.data, c.variant), autodiffTraceGradients(c), layeredFloors(c), layeredLengthScales(c), (i) => layeredParameterName(c.model, i))),
});

export const layeredBoundGradientsEqualAutodiff = layered({
  name: 'layered-bound-gradients-equal-autodiff',
  description: 'closed-form deep gradients of the upper, lower and range bounds equal the autodiff ones',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: `${AUTODIFF_WHY}; skipped near the kink R = 0 like the finite-difference leg` },
  run(c, impl) {
    const t = layeredTraces(c, impl);
    const reason = layeredKink(t);
    if (reason) return skipped(reason);
    const tg = autodiffTraceGradients(c);
    return outcome(
      boundGradientAutodiffParts(
        t,
        layeredLengthScales(c),
        (of: BoundKind) => memo(c, `deepAdBg:${deepVariantKey(c.variant)}:${of}`, () => LAYERED_AUTODIFF.boundGradientFromTraces(tg, t.P, of)).gradient,
        (of) => impl.boundGradient(c.model, c.data, c.variant, of).gradient,
        (j) => layeredParameterName(c.model, j),
      ),
    );
  },
});

/** The dense-spectrum and structural layered properties (cheap: one dense deep H and its eigenvalues per case). */
export const LAYERED_HESSIAN_PROPERTIES: readonly LayeredProperty[] = [
  layeredTraceEqualsEigenvalueSum,
  layeredTrace2EqualsEigenvalueSquareSum,
  layeredClosedFormTracesEqualDenseTraces,
  layeredWsBoundsEncloseSpectrum,
  layeredHessianSymmetric,
];

export const LAYERED_GRADIENT_PROPERTIES: readonly LayeredProperty[] = [
  layeredLossGradientVsCentralDifference,
  layeredHessianVsGradientCentralDifference,
  layeredTraceGradientVsCentralDifference,
  layeredBoundGradientVsCentralDifference,
];

export const LAYERED_AUTODIFF_PROPERTIES: readonly LayeredProperty[] = [layeredHessianEqualsAutodiff, layeredTracesEqualAutodiff, layeredTraceGradientsEqualAutodiff, layeredBoundGradientsEqualAutodiff];

/** Every layered property, by name. */
export const LAYERED_PROPERTIES: Readonly<Record<string, LayeredProperty>> = Object.fromEntries([...LAYERED_HESSIAN_PROPERTIES, ...LAYERED_GRADIENT_PROPERTIES, ...LAYERED_AUTODIFF_PROPERTIES].map((p) => [p.name, p]));
