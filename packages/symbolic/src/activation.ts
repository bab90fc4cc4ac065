/**
 * phi', phi'', phi''' of an activation given by formula in `u`, from both engines, with a
 * numeric agreement check, so a user can add an activation by formula
 * (`hsr derive --activation "log(1+exp(u))"`).
 *
 * nerdamer differentiates three times (its LaTeX of constants such as sqrt(2) can be
 * mangled, upstream #358: pinned in test/defects.test.ts, and reported in `latexWarnings`);
 * mathjs differentiates independently. mathjs cannot differentiate `erf`: then its leg is
 * skipped with the reason recorded, and nerdamer is compared with a five-point central
 * difference of its own lower derivative instead. Cost: three derivatives of a small
 * expression (milliseconds, except GELU ~1 s in nerdamer).
 */
import { compileMathjs, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer } from './engines.ts';
import { EULER_SYMBOL, opaqueExp, opaqueSqrtConstants } from './networkExpressions.ts';

/** Points where the engines are compared: both signs, near and away from 0, not saturated. */
export const ACTIVATION_SAMPLE_POINTS: readonly number[] = [-2.1, -0.7, 0.05, 0.9, 2.6];

export interface EngineDerivatives {
  /** phi, phi', phi'', phi''' as engine text. */
  readonly text: readonly [string, string, string, string];
  readonly latex: readonly [string, string, string, string];
}

/**
 * How far nerdamer's derivatives are from the independent route: mathjs's, or (when mathjs
 * cannot differentiate the formula) a five-point difference of nerdamer's own lower derivative.
 * Measured here; judged against a named tolerance by @hsr/crosscheck `activationAgreement`.
 */
export interface ActivationComparison {
  /** Which check ran: both engines, or nerdamer against finite differences (mathjs skipped). */
  readonly against: 'mathjs' | 'five-point-difference';
  /** Worst |a - b| / max(|b|, 1) over the sample points and orders 1..3. */
  readonly worstRelativeError: number;
}

export interface ActivationDerivation {
  readonly formula: string;
  readonly nerdamer: EngineDerivatives;
  /** Null when mathjs cannot differentiate the formula; see `mathjsSkipReason`. */
  readonly mathjs: EngineDerivatives | null;
  readonly mathjsSkipReason: string | null;
  readonly comparison: ActivationComparison;
  /** LaTeX strings nerdamer produced that are not well formed (e.g. `{^{...}}` with no base). */
  readonly latexWarnings: readonly string[];
}

/** A LaTeX fragment nerdamer emits when it mangles sqrt(2) constants (#358): an exponent with no base. */
const BASELESS_EXPONENT = /[{(]\^\{/;

/**
 * Derive phi', phi'', phi''' of `formula` (variable `u`) with both engines and check them
 * against each other at ACTIVATION_SAMPLE_POINTS (measured here; crosscheck's
 * `activationAgreement` judges the result).
 */
export function deriveActivation(formula: string): ActivationDerivation {
  if (!/(?<![A-Za-z0-9_])u(?![A-Za-z0-9_])/.test(formula)) throw new Error(`activation formula must use the variable u: "${formula}"`);
  const n0 = nerdamer(formula);
  const n1 = nerdamer.diff(n0, 'u');
  const n2 = nerdamer.diff(n1, 'u');
  const n3 = nerdamer.diff(n2, 'u');
  // Values come from a second derivation with e and integer square roots opaque (the
  // nested-exponential and sqrt(2) defects, see networkExpressions.ts); the text shown is
  // nerdamer's own output for the formula as given.
  const nerdamerFns = compileActivation(formula);
  const nerdamerOut: EngineDerivatives = {
    text: [n0.toString(), n1.toString(), n2.toString(), n3.toString()],
    latex: [n0.toTeX(), n1.toTeX(), n2.toTeX(), n3.toTeX()],
  };
  flushNerdamer();

  let mathjsOut: EngineDerivatives | null = null;
  let mathjsSkipReason: string | null = null;
  let mathjsFns: ((u: number) => number)[] | null = null;
  try {
    const m0 = math.parse(formula);
    const m1 = mathjsDerivative(m0, 'u');
    const m2 = mathjsDerivative(m1, 'u');
    const m3 = mathjsDerivative(m2, 'u');
    const ms = [m0, m1, m2, m3];
    mathjsFns = ms.map((m) => compileMathjs(m, ['u']));
    // Simplified only for display; the compared values come from the unsimplified trees.
    const shown = ms.map((m) => math.simplify(m));
    mathjsOut = {
      text: shown.map((m) => m.toString()) as unknown as EngineDerivatives['text'],
      latex: shown.map((m) => m.toTex()) as unknown as EngineDerivatives['latex'],
    };
  } catch (err) {
    mathjsSkipReason = `mathjs cannot differentiate this formula: ${(err as Error).message}`;
  }

  let worst = 0;
  if (mathjsFns) {
    for (const u of ACTIVATION_SAMPLE_POINTS)
      for (let k = 0; k <= 3; k++) {
        const a = nerdamerFns[k]!(u);
        const b = mathjsFns[k]!(u);
        worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), 1));
      }
  } else {
    const h = 2 ** -10;
    for (const u of ACTIVATION_SAMPLE_POINTS)
      for (let k = 1; k <= 3; k++) {
        const f = nerdamerFns[k - 1]!;
        const fd = (f(u - 2 * h) - 8 * f(u - h) + 8 * f(u + h) - f(u + 2 * h)) / (12 * h);
        const a = nerdamerFns[k]!(u);
        worst = Math.max(worst, Math.abs(a - fd) / Math.max(Math.abs(fd), 1));
      }
  }
  return {
    formula,
    nerdamer: nerdamerOut,
    mathjs: mathjsOut,
    mathjsSkipReason,
    comparison: { against: mathjsFns ? 'mathjs' : 'five-point-difference', worstRelativeError: worst },
    latexWarnings: nerdamerOut.latex.filter((l) => BASELESS_EXPONENT.test(l)),
  };
}

/** Compiled phi..phi''' from nerdamer (e and integer square roots kept opaque), for evaluating a user formula. */
export function compileActivation(formula: string): [(u: number) => number, (u: number) => number, (u: number) => number, (u: number) => number] {
  const opaque = opaqueSqrtConstants(formula);
  const names = ['u', EULER_SYMBOL, ...opaque.constants.keys()];
  const constants = [Math.E, ...opaque.constants.values()];
  const e0 = nerdamer(opaqueExp(opaque.text));
  const e1 = nerdamer.diff(e0, 'u');
  const e2 = nerdamer.diff(e1, 'u');
  const e3 = nerdamer.diff(e2, 'u');
  const fns = [e0, e1, e2, e3].map((e) => {
    const f = compileNerdamer(e, names);
    return (u: number) => f(u, ...constants);
  });
  flushNerdamer();
  return fns as [(u: number) => number, (u: number) => number, (u: number) => number, (u: number) => number];
}
