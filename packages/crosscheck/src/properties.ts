/**
 * The named properties: each holds one quantity of an `Implementations` (numeric's closed
 * forms by default) against an independent oracle, with a named tolerance that says why.
 *
 *   name                                   quantity under test          oracle
 *   trace-equals-eigenvalue-sum            T1                           sum of eigenvalues of numeric's dense H
 *   trace2-equals-eigenvalue-square-sum    T2                           sum of squared eigenvalues
 *   closed-form-traces-equal-dense-traces  T1, T2                       diagonal sum / Frobenius norm of dense H
 *   ws-bounds-enclose-spectrum             all five WS bounds           extreme eigenvalues of dense H
 *   hessian-symmetric                      dense H                      its transpose
 *   hessian-vs-gradient-central-difference dense H (curvature hessian)  five-point difference of the gradient
 *   loss-gradient-vs-central-difference    gradient                     five-point difference of the loss
 *   activation-derivatives                 phi', phi'', phi''' table    five-point difference of phi, phi', phi''
 *   trace-gradient-vs-central-difference   grad T1, grad T2             five-point difference of T1, T2
 *   bound-gradient-vs-central-difference   grad of upper/lower/range    five-point difference of the bound
 *   *-equals-autodiff                      loss gradient, H, T1, T2, bounds, grad T1/T2, bound gradients
 *                                                                       @hsr/autodiff (forward mode over the loss)
 *
 * Dense oracles always come from @hsr/numeric's `denseHessian` (itself held to the gradient's
 * central difference and to autodiff by the properties here), never from the implementation
 * under test, so a user's `hessianTraces` is checked against something it cannot influence.
 */
import {
  ACTIVATIONS,
  BOUND_KINDS,
  BOUND_VALUE_KEYS,
  blockRange,
  denseHessian,
  flattenParameters,
  forwardPass,
  matrixTraces,
  parameterCount,
  symmetricEigenvalues,
  unflattenParameters,
  wolkowiczStyanBounds,
  type BoundKind,
  type SymmetricMatrix,
  type Variant,
  type WolkowiczStyanBounds,
} from '@hsr/numeric';
import { AUTODIFF, type AutodiffLeg } from './autodiffLeg.ts';
import type { CheckCase } from './cases.ts';
import { fivePointJacobian, parameterSteps, type FiniteDifference } from './finiteDifference.ts';
import { boundRoundoff, gradientMagnitudes, traceRoundoff } from './magnitudes.ts';
import { NUMERIC_IMPLEMENTATIONS, boundValue, type Implementations } from './implementations.ts';
import { comparePart, compareInequalities, hessianEntryName, outcome, parameterName, skipped, type Part, type PropertyOutcome, type PropertyTolerance } from './outcome.ts';
import {
  CLOSED_FORM_ROUNDOFF_UNITS,
  EPS,
  FINITE_DIFFERENCE_ROUNDOFF_UNITS,
  FIVE_POINT_STEP,
  MIN_RELATIVE_SPREAD_FOR_GRADIENT,
  RTOL_SAME_FORMULA,
  RTOL_SPECTRUM_ENCLOSURE,
  RTOL_VS_AUTODIFF,
  RTOL_VS_DENSE,
  RTOL_VS_FINITE_DIFFERENCE,
} from './tolerances.ts';

/** What a property's case must carry for fast-check and the failure message: a label and, when generated, its spec. */
export interface PropertyCase {
  readonly label: string;
  readonly spec?: unknown;
}

/** A named property over two-layer cases (CheckCase, Implementations) or layered ones (LayeredCheckCase, LayeredImplementations). */
export interface NamedProperty<C extends PropertyCase = CheckCase, I = Implementations> {
  readonly name: string;
  /** One sentence: what is compared with what. */
  readonly description: string;
  readonly tolerance: PropertyTolerance;
  /** The oracle family, for grouping: dense, finite-difference, autodiff, structural. */
  readonly leg: string;
  /** Compare `impl` (numeric's closed forms by default) with the oracle on one case. */
  check(c: C, impl?: I): PropertyOutcome;
}

// ---------------------------------------------------------------------------------------
// Per-case memo: oracles are computed once per case however many properties need them.

const oracleMemo = new WeakMap<object, Map<string, unknown>>();
const implMemo = new WeakMap<object, WeakMap<object, Map<string, unknown>>>();

export function memo<T>(c: object, key: string, compute: () => T): T {
  let m = oracleMemo.get(c);
  if (!m) {
    m = new Map();
    oracleMemo.set(c, m);
  }
  if (!m.has(key)) m.set(key, compute());
  return m.get(key) as T;
}

export function implMemoised<T>(c: object, impl: object, key: string, compute: () => T): T {
  let byImpl = implMemo.get(c);
  if (!byImpl) {
    byImpl = new WeakMap();
    implMemo.set(c, byImpl);
  }
  let m = byImpl.get(impl);
  if (!m) {
    m = new Map();
    byImpl.set(impl, m);
  }
  if (!m.has(key)) m.set(key, compute());
  return m.get(key) as T;
}

export const variantKey = (v: Variant) => `${v.reduction}/${v.block}/${v.curvature}`;

/** numeric's dense Hessian of the case's variant: the oracle for traces and bounds. */
function oracleHessian(c: CheckCase): SymmetricMatrix {
  return memo(c, `H:${variantKey(c.variant)}`, () => denseHessian(c.model, c.data, c.variant));
}

function oracleEigenvalues(c: CheckCase): Float64Array {
  return memo(c, `eig:${variantKey(c.variant)}`, () => symmetricEigenvalues(oracleHessian(c)));
}

/** Absolute round-off floors of the closed-form T1, T2 for the case (magnitudes.ts). */
export function roundoff(c: CheckCase): { traceH: number; traceH2: number } {
  return memo(c, `roundoff:${variantKey(c.variant)}`, () => traceRoundoff(c.model, c.data, c.variant));
}

function steps(c: CheckCase): Float64Array {
  return memo(c, 'steps', () => parameterSteps(c.model, c.data));
}

/** Per-coordinate length scales l_j = step_j / 2^-10: a derivative's round-off is the value's over l_j. */
export function lengthScales(c: CheckCase): Float64Array {
  return memo(c, 'lengths', () => Float64Array.from(steps(c), (h) => h / FIVE_POINT_STEP));
}

function autodiffOracle<K extends keyof AutodiffLeg>(c: CheckCase, leg: K, key: string, compute: (ad: AutodiffLeg) => ReturnType<AutodiffLeg[K]>): ReturnType<AutodiffLeg[K]> {
  return memo(c, `ad:${leg}:${key}`, () => compute(AUTODIFF));
}

/** T1, T2 and the block size P under the implementation. */
export function implTraces(c: CheckCase, impl: Implementations, variant: Variant = c.variant) {
  return implMemoised(c, impl, `traces:${variantKey(variant)}`, () => {
    const t = impl.hessianTraces(c.model, c.data, variant);
    return { traceH: t.traceH, traceH2: t.traceH2, P: parameterCount(c.model, variant.block) };
  });
}

/**
 * Five-point differences of (T1, T2, upper, lower, range) under an implementation over every
 * theta coordinate, shared by the trace-gradient and bound-gradient properties (two-layer and
 * layered): 4P trace evaluations, the bounds from the implementation's WS at each perturbed
 * point, each output's evaluation error the closed forms' round-off floor at the case.
 */
export function traceAndBoundDifferences(
  traces: (theta: Float64Array) => { traceH: number; traceH2: number },
  ws: (traceH: number, traceH2: number, P: number) => WolkowiczStyanBounds,
  theta: Float64Array,
  t: TracesWithFloors,
  step: Float64Array,
): FiniteDifference {
  const e = boundRoundoff(t.traceH, t.traceH2, t.P, t.floors.traceH, t.floors.traceH2);
  return fivePointJacobian(
    (x) => {
      const v = traces(x);
      const b = ws(v.traceH, v.traceH2, t.P);
      return [v.traceH, v.traceH2, ...BOUND_KINDS.map((k) => boundValue(b, k))];
    },
    theta,
    { step, valueError: [t.floors.traceH, t.floors.traceH2, e, e, e] },
  );
}

function traceDifferences(c: CheckCase, impl: Implementations): FiniteDifference {
  return implMemoised(c, impl, `fd:traces:${variantKey(c.variant)}`, () =>
    traceAndBoundDifferences((theta) => impl.hessianTraces(unflattenParameters(c.model, theta), c.data, c.variant), impl.wolkowiczStyanBounds, flattenParameters(c.model), withFloors(c, impl), steps(c)),
  );
}

/** Closed-form trace gradients against the rows T1, T2 of `traceAndBoundDifferences`. */
export function traceGradientDifferenceParts(tg: { gradTraceH: Float64Array; gradTraceH2: Float64Array }, fd: FiniteDifference, parameter: (i: number) => string): Part[] {
  const name = (q: string) => (i: number) => `d${q}/d${parameter(i)}`;
  return [
    comparePart('gradTraceH', 'central difference', tg.gradTraceH, row(fd, 0), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: rowRoundoff(fd, 0), name: name('T1') }),
    comparePart('gradTraceH2', 'central difference', tg.gradTraceH2, row(fd, 1), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: rowRoundoff(fd, 1), name: name('T2') }),
  ];
}

/** Each bound's reported value against WS of the traces and its gradient against its row of `traceAndBoundDifferences`. */
export function boundGradientDifferenceParts(
  t: TracesWithFloors,
  b: WolkowiczStyanBounds,
  fd: FiniteDifference,
  boundGradient: (of: BoundKind) => { value: number; gradient: Float64Array },
  parameter: (i: number) => string,
): Part[] {
  const parts: Part[] = [];
  BOUND_KINDS.forEach((of, i) => {
    const bg = boundGradient(of);
    parts.push(comparePart(`boundValue.${of}`, 'WS of traces', bg.value, boundValue(b, of), { rtol: RTOL_SAME_FORMULA, scale: Math.abs(b.mean) + b.spread * Math.sqrt(t.P) }));
    parts.push(comparePart(`boundGradient.${of}`, 'central difference', bg.gradient, row(fd, 2 + i), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: rowRoundoff(fd, 2 + i), name: (j) => `d${of}/d${parameter(j)}` }));
  });
  return parts;
}

const row = (fd: FiniteDifference, i: number) => fd.jacobian.subarray(i * fd.inputs, (i + 1) * fd.inputs);
const rowRoundoff = (fd: FiniteDifference, i: number) => fd.roundoff.subarray(i * fd.inputs, (i + 1) * fd.inputs);

function sumAbs(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.abs(xs[i]!);
  return s;
}

function maxAbs(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s = Math.max(s, Math.abs(xs[i]!));
  return s;
}

/** A named property from its run over (case, implementation); `impl` defaults to `defaultImpl` (numeric's two-layer closed forms). */
export function define<C extends PropertyCase = CheckCase, I = Implementations>(
  p: Omit<NamedProperty<C, I>, 'check'> & { run: (c: C, impl: I) => PropertyOutcome },
  defaultImpl: I = NUMERIC_IMPLEMENTATIONS as I,
): NamedProperty<C, I> {
  return {
    name: p.name,
    description: p.description,
    tolerance: p.tolerance,
    leg: p.leg,
    check: (c, impl = defaultImpl) => p.run(c, impl),
  };
}

// ---------------------------------------------------------------------------------------
// The comparisons of the dense-spectrum and structural legs, shared by the two-layer
// properties below and the layered ones (layeredProperties.ts): each takes the oracle's
// Hessian or eigenvalues, the implementation's traces and the absolute round-off floors.

/** Closed-form traces, the block size and the absolute round-off floors of T1, T2. */
export interface TracesWithFloors {
  readonly traceH: number;
  readonly traceH2: number;
  readonly P: number;
  readonly floors: { readonly traceH: number; readonly traceH2: number };
}

/** T1 against the sum of the eigenvalues, relative to sum |lambda|. */
export function eigenvalueSumParts(ev: Float64Array, t: TracesWithFloors): Part[] {
  let sum = 0;
  for (const l of ev) sum += l;
  return [comparePart('traceH', 'dense eigenvalues', t.traceH, sum, { rtol: RTOL_VS_DENSE, scale: sumAbs(ev), atol: t.floors.traceH })];
}

/** T2 against the sum of the squared eigenvalues. */
export function eigenvalueSquareSumParts(ev: Float64Array, t: TracesWithFloors): Part[] {
  let sum = 0;
  for (const l of ev) sum += l * l;
  return [comparePart('traceH2', 'dense eigenvalues', t.traceH2, sum, { rtol: RTOL_VS_DENSE, scale: sum, atol: t.floors.traceH2 })];
}

/** T1, T2 against the diagonal sum and squared Frobenius norm of the dense H. */
export function denseTraceParts(H: SymmetricMatrix, t: TracesWithFloors): Part[] {
  const mt = matrixTraces(H);
  let diagAbs = 0;
  for (let i = 0; i < H.size; i++) diagAbs += Math.abs(H.data[i * H.size + i]!);
  return [
    comparePart('traceH', 'dense matrix', t.traceH, mt.traceH, { rtol: RTOL_VS_DENSE, scale: diagAbs, atol: t.floors.traceH }),
    comparePart('traceH2', 'dense matrix', t.traceH2, mt.traceH2, { rtol: RTOL_VS_DENSE, scale: mt.traceH2, atol: t.floors.traceH2 }),
  ];
}

/** The five WS inequalities for the dense spectrum `ev`, the bounds `b` from the closed-form traces. */
export function spectrumEnclosureParts(ev: Float64Array, t: TracesWithFloors, b: WolkowiczStyanBounds): Part[] {
  const lmin = ev[0]!;
  const lmax = ev[ev.length - 1]!;
  const scale = maxAbs(ev);
  const slack = RTOL_SPECTRUM_ENCLOSURE * scale + boundRoundoff(t.traceH, t.traceH2, t.P, t.floors.traceH, t.floors.traceH2) + Number.MIN_VALUE;
  return compareInequalities(
    'dense eigenvalues',
    [
      { quantity: 'lambdaMaxUpper', lower: lmax, upper: b.lambdaMaxUpper, text: 'lambda_max <= m + s sqrt(P-1)' },
      { quantity: 'lambdaMaxLower', lower: b.lambdaMaxLower, upper: lmax, text: 'm + s/sqrt(P-1) <= lambda_max' },
      { quantity: 'lambdaMinUpper', lower: lmin, upper: b.lambdaMinUpper, text: 'lambda_min <= m - s/sqrt(P-1)' },
      { quantity: 'lambdaMinLower', lower: b.lambdaMinLower, upper: lmin, text: 'm - s sqrt(P-1) <= lambda_min' },
      { quantity: 'rangeUpper', lower: lmax - lmin, upper: b.rangeUpper, text: 'lambda_max - lambda_min <= s sqrt(2P)' },
    ],
    slack,
    scale,
    RTOL_SPECTRUM_ENCLOSURE,
  );
}

/** H against its transpose. */
export function symmetryParts(H: SymmetricMatrix, name: (index: number) => string): Part[] {
  const P = H.size;
  const T = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) T[i * P + j] = H.data[j * P + i]!;
  return [comparePart('hessian', 'transpose', H.data, T, { rtol: RTOL_SAME_FORMULA, name })];
}

/** The implementation's T1, T2 with the case's floors, for the shared comparisons. */
function withFloors(c: CheckCase, impl: Implementations): TracesWithFloors {
  return { ...implTraces(c, impl), floors: roundoff(c) };
}

// ---------------------------------------------------------------------------------------
// Dense-spectrum legs.

export const traceEqualsEigenvalueSum = define({
  name: 'trace-equals-eigenvalue-sum',
  description: 'closed-form T1 equals the sum of the eigenvalues of the dense Hessian block',
  leg: 'dense eigenvalues',
  tolerance: {
    rtol: RTOL_VS_DENSE,
    why: 'each eigenvalue is exact for a matrix within ~P eps ||H|| of H, so their sum errs by ~P^2 eps max|lambda| <= sum|lambda|-relative 1e-12; measured against sum_i |lambda_i| (the condition of the sum), not |T1|, because an indefinite H can have T1 ~ 0 by cancellation',
  },
  run(c, impl) {
    return outcome(eigenvalueSumParts(oracleEigenvalues(c), withFloors(c, impl)));
  },
});

export const trace2EqualsEigenvalueSquareSum = define({
  name: 'trace2-equals-eigenvalue-square-sum',
  description: 'closed-form T2 equals the sum of the squared eigenvalues of the dense Hessian block',
  leg: 'dense eigenvalues',
  tolerance: { rtol: RTOL_VS_DENSE, why: 'all terms are >= 0, so no cancellation: plain relative error against T2, whose eigenvalue round-off is ~2 P^1.5 eps relative' },
  run(c, impl) {
    return outcome(eigenvalueSquareSumParts(oracleEigenvalues(c), withFloors(c, impl)));
  },
});

export const closedFormTracesEqualDenseTraces = define({
  name: 'closed-form-traces-equal-dense-traces',
  description: 'closed-form T1, T2 equal the diagonal sum and squared Frobenius norm of the dense Hessian block',
  leg: 'dense matrix',
  tolerance: { rtol: RTOL_VS_DENSE, why: 'same sums in a different order: T1 relative to sum_i |H_ii| (diagonal entries of either sign can cancel), T2 relative to itself (a sum of squares)' },
  run(c, impl) {
    return outcome(denseTraceParts(oracleHessian(c), withFloors(c, impl)));
  },
});

export const wsBoundsEncloseSpectrum = define({
  name: 'ws-bounds-enclose-spectrum',
  description: 'all five Wolkowicz–Styan inequalities hold for the dense spectrum, with the bounds computed from the closed-form traces',
  leg: 'dense eigenvalues',
  tolerance: {
    rtol: RTOL_SPECTRUM_ENCLOSURE,
    why: 'slack = 1e-10 max|lambda| (eigen-solver backward error ~P eps ||H||) plus sqrt(P) times the round-off of s, which the cancellation in s^2 = T2/P - m^2 inflates to ~sqrt(eps) max|lambda| when all eigenvalues nearly coincide',
  },
  run(c, impl) {
    const t = withFloors(c, impl);
    return outcome(spectrumEnclosureParts(oracleEigenvalues(c), t, impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P)));
  },
});

// ---------------------------------------------------------------------------------------
// Structural and finite-difference legs.

export const hessianSymmetric = define({
  name: 'hessian-symmetric',
  description: 'the dense Hessian block equals its transpose',
  leg: 'transpose',
  tolerance: { rtol: RTOL_SAME_FORMULA, why: 'H_ij and H_ji are the same products in a different order: a few ulps, relative to max |H|' },
  run(c, impl) {
    return outcome(symmetryParts(impl.denseHessian(c.model, c.data, c.variant), hessianEntryName(c.model, c.variant.block)));
  },
});

export const hessianVsGradientCentralDifference = define({
  name: 'hessian-vs-gradient-central-difference',
  description: 'the dense Hessian block (curvature forced to hessian: Gauss–Newton is no derivative) equals a five-point difference of the analytic gradient',
  leg: 'central difference',
  tolerance: { rtol: RTOL_VS_FINITE_DIFFERENCE, why: 'five-point stencil, step 2^-10: truncation ~h^4 f^(5)/30 and round-off 64 eps |grad|max / h per row (the per-element absolute floor); relative to max |H|' },
  run(c, impl) {
    const variant: Variant = { ...c.variant, curvature: 'hessian' };
    const H = impl.denseHessian(c.model, c.data, variant);
    const { start, end } = blockRange(c.model, variant.block);
    const P = end - start;
    const coords = Array.from({ length: P }, (_, j) => start + j);
    const fd = implMemoised(c, impl, `fd:gradient:${variant.reduction}:${variant.block}`, () =>
      fivePointJacobian((theta) => impl.lossGradient(unflattenParameters(c.model, theta), c.data, variant.reduction), flattenParameters(c.model), {
        coordinates: coords,
        step: steps(c),
        valueError: Array.from(gradientMagnitudes(c.model, c.data, variant.reduction).gradient, (m) => CLOSED_FORM_ROUNDOFF_UNITS * EPS * m),
      }),
    );
    const expected = new Float64Array(P * P);
    const atol = new Float64Array(P * P);
    for (let r = 0; r < P; r++)
      for (let s = 0; s < P; s++) {
        expected[r * P + s] = fd.jacobian[(start + r) * fd.inputs + start + s]!;
        atol[r * P + s] = fd.roundoff[(start + r) * fd.inputs + start + s]!;
      }
    return outcome([comparePart('hessian', 'central difference', H.data, expected, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol, name: hessianEntryName(c.model, variant.block) })]);
  },
});

export const lossGradientVsCentralDifference = define({
  name: 'loss-gradient-vs-central-difference',
  description: 'the analytic loss gradient equals a five-point difference of the loss',
  leg: 'central difference',
  tolerance: { rtol: RTOL_VS_FINITE_DIFFERENCE, why: 'five-point stencil, step 2^-10, absolute floor 64 eps |L| / h from the loss evaluation; relative to max |gradient|' },
  run(c, impl) {
    const g = impl.lossGradient(c.model, c.data, c.variant.reduction);
    const lossError = CLOSED_FORM_ROUNDOFF_UNITS * EPS * gradientMagnitudes(c.model, c.data, c.variant.reduction).loss;
    const fd = fivePointJacobian((theta) => [impl.loss(unflattenParameters(c.model, theta), c.data, c.variant.reduction)], flattenParameters(c.model), { step: steps(c), valueError: [lossError] });
    return outcome([comparePart('lossGradient', 'central difference', g, row(fd, 0), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: rowRoundoff(fd, 0), name: (i) => `dL/d${parameterName(c.model, i)}` })]);
  },
});

export const activationDerivatives = define({
  name: 'activation-derivatives',
  description: "numeric's phi', phi'', phi''' table equals five-point differences of phi, phi', phi'' at the case's pre-activations",
  leg: 'central difference',
  tolerance: {
    rtol: RTOL_VS_FINITE_DIFFERENCE,
    why: 'five-point stencil in u with step 2^-10; relative to max |derivative| over the case, floor 64 eps max(1, |f|) / h because the formulas cancel against 1 in the tails (the autodiff leg checks the tails relatively)',
  },
  run(c) {
    const act = ACTIVATIONS[c.model.activation];
    const u = forwardPass(c.model, c.data).u;
    const fns = [act.phi, act.d1, act.d2] as const;
    const tables = [act.d1, act.d2, act.d3] as const;
    const names = ["phi'", "phi''", "phi'''"];
    const parts: Part[] = [];
    const h = FIVE_POINT_STEP;
    for (let k = 0; k < 3; k++) {
      const f = fns[k]!;
      // Elementwise stencil in u (each derivative depends on its own u only).
      const diff = new Float64Array(u.length);
      const atol = new Float64Array(u.length);
      for (let i = 0; i < u.length; i++) {
        const x = u[i]!;
        const vals = [f(x - 2 * h), f(x - h), f(x + h), f(x + 2 * h)];
        diff[i] = (vals[0]! - 8 * vals[1]! + 8 * vals[2]! - vals[3]!) / (12 * h);
        // The formulas cancel against 1 (tanh' = 1 - t^2 near saturation): absolute error ~eps, not eps |f|.
        atol[i] = (1.5 * FINITE_DIFFERENCE_ROUNDOFF_UNITS * EPS * Math.max(1, ...vals.map(Math.abs))) / h;
      }
      const table = Float64Array.from(u, tables[k]!);
      parts.push(comparePart(names[k]!, 'central difference', table, diff, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol, name: (i) => `${names[k]}(${u[i]})` }));
    }
    return outcome(parts);
  },
});

export const traceGradientVsCentralDifference = define({
  name: 'trace-gradient-vs-central-difference',
  description: 'closed-form gradients of T1 and T2 equal five-point differences of the closed-form T1, T2',
  leg: 'central difference',
  tolerance: { rtol: RTOL_VS_FINITE_DIFFERENCE, why: 'five-point stencil, step 2^-10, floor 64 eps |T| / h; relative to max |gradient|' },
  run(c, impl) {
    return outcome(traceGradientDifferenceParts(impl.traceGradients(c.model, c.data, c.variant), traceDifferences(c, impl), (i) => parameterName(c.model, i)));
  },
});

/**
 * Why a bound's gradient is not checked on this case, or null: P = 1; R = s sqrt(P-1) within
 * MIN_RELATIVE_SPREAD_FOR_GRADIENT sqrt(T2) of the kink at R = 0; or the bound not resolved
 * by float64 at all (its round-off from the traces' floors, `boundRoundoff`, above 1e-6 R:
 * a saturated softmax leaves T1, T2 ~ e^{-|v|} below eps times their terms).
 */
export function boundKinkReason(traceH: number, traceH2: number, P: number, traceError = 0, trace2Error = 0): string | null {
  if (P < 2) return 'P = 1: the bound is T1 and has no spread part';
  const b = wolkowiczStyanBounds(traceH, traceH2, P);
  const R = b.spread * Math.sqrt(P - 1);
  if (!(R > MIN_RELATIVE_SPREAD_FOR_GRADIENT * Math.sqrt(Math.abs(traceH2)))) return `R = ${R} is below ${MIN_RELATIVE_SPREAD_FOR_GRADIENT} sqrt(T2): the bound's kink at R = 0 is too close for a finite difference`;
  const e = boundRoundoff(traceH, traceH2, P, traceError, trace2Error);
  if (!(e <= 1e-6 * R)) return `the bound's round-off ${e.toExponential(2)} exceeds 1e-6 R = ${(1e-6 * R).toExponential(2)}: T1, T2 are not resolved in float64 here (saturated softmax or units)`;
  return null;
}

export const boundGradientVsCentralDifference = define({
  name: 'bound-gradient-vs-central-difference',
  description: 'closed-form gradients of the upper, lower and range bounds equal five-point differences of the bounds (and their values match WS of the traces)',
  leg: 'central difference',
  tolerance: {
    rtol: RTOL_VS_FINITE_DIFFERENCE,
    why: 'five-point stencil, step 2^-10, floor 64 eps |bound| / h; only where R > 1e-3 sqrt(T2), away from the kink at R = 0; the reported value must equal WS(T1, T2) to RTOL_SAME_FORMULA',
  },
  run(c, impl) {
    const t = withFloors(c, impl);
    const reason = boundKinkReason(t.traceH, t.traceH2, t.P, t.floors.traceH, t.floors.traceH2);
    if (reason) return skipped(reason);
    const b = impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P);
    return outcome(
      boundGradientDifferenceParts(
        t,
        b,
        traceDifferences(c, impl),
        (of) => impl.boundGradient(c.model, c.data, c.variant, of),
        (j) => parameterName(c.model, j),
      ),
    );
  },
});

// ---------------------------------------------------------------------------------------
// Autodiff legs.

const AUTODIFF_WHY =
  "forward-mode AD sums the same O(P^2 N) terms in a different order; round-off ~P eps times the condition, relative to the largest entry, with the closed forms' absolute floors (64 eps times the term magnitudes, over the coordinate's length scale for derivatives)";

export const lossGradientEqualsAutodiff = define({
  name: 'loss-gradient-equals-autodiff',
  description: 'the analytic loss gradient equals the autodiff gradient of the loss definition',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: AUTODIFF_WHY },
  run(c, impl) {
    const ad = autodiffOracle(c, 'lossGradient', c.variant.reduction, (a) => a.lossGradient(c.model, c.data, c.variant.reduction));
    const g = impl.lossGradient(c.model, c.data, c.variant.reduction);
    const atol = Array.from(gradientMagnitudes(c.model, c.data, c.variant.reduction).gradient, (m) => CLOSED_FORM_ROUNDOFF_UNITS * EPS * m);
    return outcome([comparePart('lossGradient', 'autodiff', g, ad, { rtol: RTOL_VS_AUTODIFF, atol, name: (i) => `dL/d${parameterName(c.model, i)}` })]);
  },
});

export const hessianEqualsAutodiff = define({
  name: 'hessian-equals-autodiff',
  description: 'the dense Hessian block (or Gauss–Newton part) equals the autodiff one',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: AUTODIFF_WHY },
  run(c, impl) {
    const ad = autodiffOracle(c, 'hessian', variantKey(c.variant), (a) => a.hessian(c.model, c.data, c.variant));
    const H = impl.denseHessian(c.model, c.data, c.variant);
    // Every entry is bounded by ||H||_F <= M_1, so M_1's floor bounds each entry's round-off.
    return outcome([comparePart('hessian', 'autodiff', H.data, ad.data, { rtol: RTOL_VS_AUTODIFF, atol: roundoff(c).traceH, name: hessianEntryName(c.model, c.variant.block) })]);
  },
});

export const tracesEqualAutodiff = define({
  name: 'traces-equal-autodiff',
  description: 'closed-form T1, T2 and all five WS bounds equal those from the autodiff Hessian',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: `${AUTODIFF_WHY}; T1 relative to P max|H_ii|-like scale |T1| + sqrt(P T2), bounds relative to |m| + s sqrt(P)` },
  run(c, impl) {
    const ad = autodiffOracle(c, 'traces', variantKey(c.variant), (a) => a.traces(c.model, c.data, c.variant));
    const t = implTraces(c, impl);
    const P = t.P;
    const mine = impl.wolkowiczStyanBounds(t.traceH, t.traceH2, P);
    const theirs = wolkowiczStyanBounds(ad.traceH, ad.traceH2, P);
    const boundScale = Math.abs(theirs.mean) + theirs.spread * Math.sqrt(P);
    return outcome([
      comparePart('traceH', 'autodiff', t.traceH, ad.traceH, { rtol: RTOL_VS_AUTODIFF, scale: Math.abs(ad.traceH) + Math.sqrt(P * Math.abs(ad.traceH2)), atol: roundoff(c).traceH }),
      comparePart('traceH2', 'autodiff', t.traceH2, ad.traceH2, { rtol: RTOL_VS_AUTODIFF, atol: roundoff(c).traceH2 }),
      ...BOUND_VALUE_KEYS.map((k) => comparePart(k, 'autodiff', mine[k], theirs[k], { rtol: RTOL_VS_AUTODIFF, scale: boundScale, atol: boundRoundoff(ad.traceH, ad.traceH2, P, roundoff(c).traceH, roundoff(c).traceH2) })),
    ]);
  },
});

export const traceGradientsEqualAutodiff = define({
  name: 'trace-gradients-equal-autodiff',
  description: 'closed-form gradients of T1 and T2 equal the third-order autodiff ones',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: AUTODIFF_WHY },
  run(c, impl) {
    const ad = autodiffOracle(c, 'traceGradients', variantKey(c.variant), (a) => a.traceGradients(c.model, c.data, c.variant));
    return outcome(traceGradientAutodiffParts(impl.traceGradients(c.model, c.data, c.variant), ad, roundoff(c), lengthScales(c), (i) => parameterName(c.model, i)));
  },
});

export const boundGradientsEqualAutodiff = define({
  name: 'bound-gradients-equal-autodiff',
  description: 'closed-form gradients of the upper, lower and range bounds equal the autodiff ones',
  leg: 'autodiff',
  tolerance: { rtol: RTOL_VS_AUTODIFF, why: `${AUTODIFF_WHY}; skipped near the kink R = 0 like the finite-difference leg` },
  run(c, impl) {
    const t = withFloors(c, impl);
    const reason = boundKinkReason(t.traceH, t.traceH2, t.P, t.floors.traceH, t.floors.traceH2);
    if (reason) return skipped(reason);
    // One set of P third-order passes (shared with trace-gradients-equal-autodiff), then
    // autodiff's own chain rule per bound: the same as autodiffBoundGradient, a third the cost.
    const tg = autodiffOracle(c, 'traceGradients', variantKey(c.variant), (a) => a.traceGradients(c.model, c.data, c.variant));
    return outcome(
      boundGradientAutodiffParts(
        t,
        lengthScales(c),
        (of) => autodiffOracle(c, 'boundGradientFromTraces', `${variantKey(c.variant)}:${of}`, (a) => a.boundGradientFromTraces(tg, t.P, of)).gradient,
        (of) => impl.boundGradient(c.model, c.data, c.variant, of).gradient,
        (j) => parameterName(c.model, j),
      ),
    );
  },
});

/** Closed-form trace gradients against autodiff's, with the traces' floors over each coordinate's length scale. */
export function traceGradientAutodiffParts(
  tg: { gradTraceH: Float64Array; gradTraceH2: Float64Array },
  ad: { gradTraceH: Float64Array; gradTraceH2: Float64Array },
  floors: { traceH: number; traceH2: number },
  lengths: Float64Array,
  parameter: (i: number) => string,
): Part[] {
  return [
    comparePart('gradTraceH', 'autodiff', tg.gradTraceH, ad.gradTraceH, { rtol: RTOL_VS_AUTODIFF, atol: Float64Array.from(lengths, (x) => floors.traceH / x), name: (i) => `dT1/d${parameter(i)}` }),
    comparePart('gradTraceH2', 'autodiff', tg.gradTraceH2, ad.gradTraceH2, { rtol: RTOL_VS_AUTODIFF, atol: Float64Array.from(lengths, (x) => floors.traceH2 / x), name: (i) => `dT2/d${parameter(i)}` }),
  ];
}

/** Each bound's closed-form gradient against autodiff's, with the bound's floor over each coordinate's length scale. */
export function boundGradientAutodiffParts(t: TracesWithFloors, lengths: Float64Array, autodiff: (of: BoundKind) => Float64Array, closedForm: (of: BoundKind) => Float64Array, parameter: (i: number) => string): Part[] {
  const e = boundRoundoff(t.traceH, t.traceH2, t.P, t.floors.traceH, t.floors.traceH2);
  const atol = Float64Array.from(lengths, (x) => e / x);
  return (BOUND_KINDS as readonly BoundKind[]).map((of) => comparePart(`boundGradient.${of}`, 'autodiff', closedForm(of), autodiff(of), { rtol: RTOL_VS_AUTODIFF, atol, name: (j) => `d${of}/d${parameter(j)}` }));
}

/** The Hessian and its traces: spectrum, traces, bounds, symmetry, Hessian and loss gradient vs differences. */
export const HESSIAN_PROPERTIES: readonly NamedProperty[] = [
  traceEqualsEigenvalueSum,
  trace2EqualsEigenvalueSquareSum,
  closedFormTracesEqualDenseTraces,
  wsBoundsEncloseSpectrum,
  hessianSymmetric,
  hessianVsGradientCentralDifference,
  lossGradientVsCentralDifference,
];

export const GRADIENT_PROPERTIES: readonly NamedProperty[] = [activationDerivatives, traceGradientVsCentralDifference, boundGradientVsCentralDifference];

export const AUTODIFF_PROPERTIES: readonly NamedProperty[] = [lossGradientEqualsAutodiff, hessianEqualsAutodiff, tracesEqualAutodiff, traceGradientsEqualAutodiff, boundGradientsEqualAutodiff];

/** Every named property, by name. */
export const PROPERTIES: Readonly<Record<string, NamedProperty>> = Object.fromEntries([...HESSIAN_PROPERTIES, ...GRADIENT_PROPERTIES, ...AUTODIFF_PROPERTIES].map((p) => [p.name, p]));
