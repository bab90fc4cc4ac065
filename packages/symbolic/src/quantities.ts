/**
 * What a symbolic leg computes for one network at one point, and the Wolkowicz–Styan outer
 * layer shared by both legs (docs/mathematics.md §2, §5).
 */
import { compileMathjs, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer } from './engines.ts';

/** Every derived quantity, in theta order; `hessian` is row-major P x P. */
export interface SymbolicQuantities {
  readonly parameters: number;
  readonly loss: number;
  readonly gradient: Float64Array;
  readonly hessian: Float64Array;
  readonly traceH: number;
  readonly traceH2: number;
  readonly gradTraceH: Float64Array;
  readonly gradTraceH2: Float64Array;
  readonly bounds: SymbolicBounds;
  /** Gradient of U = m + s sqrt(P-1) (eq:bound-gradient). */
  readonly upperBoundGradient: Float64Array;
  /** Gradient of L = m - s sqrt(P-1) (the lower bound on lambda_min). */
  readonly lowerBoundGradient: Float64Array;
  /** Gradient of the range bound s sqrt(2P). */
  readonly rangeBoundGradient: Float64Array;
}

/** The three bounds whose gradients the outer layer derives (numeric's BoundKind). */
export type SymbolicBoundKind = 'upper' | 'lower' | 'range';

export interface SymbolicBounds {
  readonly mean: number;
  readonly spread: number;
  readonly lambdaMaxUpper: number;
  readonly lambdaMaxLower: number;
  readonly lambdaMinUpper: number;
  readonly lambdaMinLower: number;
  readonly rangeUpper: number;
}

/** Compiled functions of (T1, T2, P): the five bounds, and alpha, beta of eq:bound-gradient. */
export interface OuterLayer {
  readonly bounds: (T1: number, T2: number, P: number) => SymbolicBounds;
  /**
   * d bound/dT1, d bound/dT2: for U = T1/P + sqrt((P-1)(T2/P - (T1/P)^2)) by default, or for
   * the lower bound T1/P - sqrt(...) or the range sqrt(2P(T2/P - (T1/P)^2)).
   */
  readonly outer: (T1: number, T2: number, P: number, of?: SymbolicBoundKind) => { alpha: number; beta: number };
  /** The derived alpha, beta as engine text (for `hsr derive --quantity bound-grad`). */
  readonly alphaText: string;
  readonly betaText: string;
  readonly alphaLatex: string;
  readonly betaLatex: string;
}

/**
 * s^2 = T2/P - (T1/P)^2 (eq:ws-bounds). Written once as text; both engines parse it.
 * The square root is never handed to nerdamer's `diff` (upstream #675 makes
 * diff(sqrt(k*S), S) wrong): the spread is an opaque symbol R with R^2 = Q, so
 * dU/dT = dQ/dT / (2R) by the chain rule, and only the polynomial Q is differentiated.
 */
const SPREAD_SQUARED = 'T2/P-(T1/P)^2';
/** R^2 = (P-1) s^2: the square of the WS radius. */
const RADIUS_SQUARED = `(P-1)*(${SPREAD_SQUARED})`;
/** The square of the range bound, 2P s^2. */
const RANGE_SQUARED = `2*P*(${SPREAD_SQUARED})`;

function boundsFrom(m: number, s: number, P: number): SymbolicBounds {
  const root = Math.sqrt(P - 1);
  return {
    mean: m,
    spread: s,
    lambdaMaxUpper: m + s * root,
    lambdaMaxLower: m + (P > 1 ? s / root : 0),
    lambdaMinUpper: m - (P > 1 ? s / root : 0),
    lambdaMinLower: m - s * root,
    rangeUpper: s * Math.sqrt(2 * P),
  };
}

/**
 * nerdamer's outer layer: m and s^2 compiled from the text above (s^2 clamped at 0 as in
 * eq:s2-clamp), alpha = d(T1/P)/dT1 + dQ/dT1 / (2R) and beta = dQ/dT2 / (2R) with
 * Q = R^2 differentiated by nerdamer and R kept opaque until evaluation. Built on first use
 * and shared afterwards (the layer is immutable).
 */
export function nerdamerOuterLayer(): OuterLayer {
  nerdamerLayer ??= buildNerdamerOuterLayer();
  return nerdamerLayer;
}

let nerdamerLayer: OuterLayer | undefined;
let mathjsLayer: OuterLayer | undefined;

function buildNerdamerOuterLayer(): OuterLayer {
  const args = ['T1', 'T2', 'P', 'R'];
  const mean = nerdamer('T1/P');
  const spreadSquared = nerdamer(SPREAD_SQUARED);
  const Q = nerdamer(RADIUS_SQUARED);
  const dMean = nerdamer.diff(mean, 'T1').toString();
  const dQ1 = nerdamer.diff(Q, 'T1').toString();
  const dQ2 = nerdamer.diff(Q, 'T2').toString();
  const alpha = nerdamer(`${dMean}+(${dQ1})/(2*R)`);
  const beta = nerdamer(`(${dQ2})/(2*R)`);
  // The lower bound m - R and the range sqrt(Q2), Q2 = 2P s^2, by the same chain rule through
  // an opaque root (R for the lower bound; R stands for sqrt(Q2) in the range's functions).
  const Q2 = nerdamer(RANGE_SQUARED);
  const lowerAlpha = nerdamer(`${dMean}-(${dQ1})/(2*R)`);
  const lowerBeta = nerdamer(`-(${dQ2})/(2*R)`);
  const rangeAlpha = nerdamer(`(${nerdamer.diff(Q2, 'T1').toString()})/(2*R)`);
  const rangeBeta = nerdamer(`(${nerdamer.diff(Q2, 'T2').toString()})/(2*R)`);
  const meanF = compileNerdamer(mean, args);
  const s2F = compileNerdamer(spreadSquared, args);
  const compiled = {
    upper: [compileNerdamer(alpha, args), compileNerdamer(beta, args)],
    lower: [compileNerdamer(lowerAlpha, args), compileNerdamer(lowerBeta, args)],
    range: [compileNerdamer(rangeAlpha, args), compileNerdamer(rangeBeta, args)],
  } as const;
  const layer: OuterLayer = {
    bounds: (T1, T2, P) => boundsFrom(meanF(T1, T2, P, 0), Math.sqrt(Math.max(s2F(T1, T2, P, 0), 0)), P),
    outer: (T1, T2, P, of = 'upper') => {
      const s = Math.sqrt(Math.max(s2F(T1, T2, P, 0), 0));
      const root = of === 'range' ? s * Math.sqrt(2 * P) : s * Math.sqrt(P - 1);
      const [a, b] = compiled[of];
      return { alpha: a(T1, T2, P, root), beta: b(T1, T2, P, root) };
    },
    alphaText: alpha.toString(),
    betaText: beta.toString(),
    alphaLatex: alpha.toTeX(),
    betaLatex: beta.toTeX(),
  };
  flushNerdamer();
  return layer;
}

/**
 * mathjs's outer layer: mathjs differentiates sqrt correctly, so here U itself,
 * T1/P + sqrt((P-1)(T2/P - (T1/P)^2)), is differentiated (an independent route to alpha, beta).
 * Built on first use and shared afterwards.
 */
export function mathjsOuterLayer(): OuterLayer {
  mathjsLayer ??= buildMathjsOuterLayer();
  return mathjsLayer;
}

function buildMathjsOuterLayer(): OuterLayer {
  const args = ['T1', 'T2', 'P'];
  const U = math.parse(`T1/P+sqrt(${RADIUS_SQUARED})`);
  const alpha = mathjsDerivative(U, 'T1');
  const beta = mathjsDerivative(U, 'T2');
  const meanF = compileMathjs(math.parse('T1/P'), args);
  const s2F = compileMathjs(math.parse(SPREAD_SQUARED), args);
  const L = math.parse(`T1/P-sqrt(${RADIUS_SQUARED})`);
  const range = math.parse(`sqrt(${RANGE_SQUARED})`);
  const compiled = {
    upper: [compileMathjs(alpha, args), compileMathjs(beta, args)],
    lower: [compileMathjs(mathjsDerivative(L, 'T1'), args), compileMathjs(mathjsDerivative(L, 'T2'), args)],
    range: [compileMathjs(mathjsDerivative(range, 'T1'), args), compileMathjs(mathjsDerivative(range, 'T2'), args)],
  } as const;
  const alphaS = math.simplify(alpha);
  const betaS = math.simplify(beta);
  return {
    bounds: (T1, T2, P) => boundsFrom(meanF(T1, T2, P), Math.sqrt(Math.max(s2F(T1, T2, P), 0)), P),
    outer: (T1, T2, P, of = 'upper') => {
      const [a, b] = compiled[of];
      return { alpha: a(T1, T2, P), beta: b(T1, T2, P) };
    },
    alphaText: alphaS.toString(),
    betaText: betaS.toString(),
    alphaLatex: alphaS.toTex(),
    betaLatex: betaS.toTex(),
  };
}
