/**
 * What a property reports: one `Part` per quantity it compared (T1 and T2, say), each with
 * its worst element already described, so a failure message and an audit row read the same.
 */
import { parameterCount, blockRange, augmentedHiddenDim, augmentedInputDim, firstLayerSize, type Block, type Model } from '@hsr/numeric';

export interface PropertyTolerance {
  rtol: number;
  /** Absolute floor; properties with a round-off model compute theirs per element and say so here. */
  atol?: number;
  /** One line: why this tolerance and this scale. */
  why: string;
}

export interface Part {
  /** The quantity compared, as the audit table names it: "traceH", "gradTraceH2", "lambdaMaxUpper", ... */
  quantity: string;
  /** The oracle it was compared with: "dense eigenvalues", "central difference", "autodiff", ... */
  leg: string;
  ok: boolean;
  /** Largest |error| / allowed; <= 1 passes. */
  worstRatio: number;
  /**
   * Largest |error| / max(|expected|, scale, atol / rtol): the error relative to the quantity's
   * magnitude, or to its round-off floor when that is larger (a saturated softmax's T1 is
   * only known to eps times its unsaturated scale). Passing means <= rtol (up to the sum
   * atol + rtol |e| versus the max); this is what the audit table prints.
   */
  worstRelativeError: number;
  /** The rtol it was held to. */
  rtol: number;
  /** "gradTraceH2[7] = W[1][2]: 0.31 vs expected 0.32 (...)". */
  worst: string;
}

export interface PropertyOutcome {
  ok: boolean;
  parts: Part[];
  /** Set when the property does not apply to this case (then `ok` is true and `parts` empty). */
  skipped?: string;
}

/** Name of theta[index] in the model's own shapes: W[i][j], b[i], V[k][l] or a[k]. */
export function parameterName(model: Model, index: number): string {
  const off = firstLayerSize(model);
  if (index < off) {
    const dt = augmentedInputDim(model);
    const i = Math.floor(index / dt);
    const j = index % dt;
    return j === model.inputDim ? `b[${i}]` : `W[${i}][${j}]`;
  }
  const ht = augmentedHiddenDim(model);
  const r = index - off;
  const k = Math.floor(r / ht);
  const l = r % ht;
  return l === model.hiddenDim ? `a[${k}]` : `V[${k}][${l}]`;
}

/** Names for the entries of the block's Hessian: H[W[0][1], V[1][0]]. */
export function hessianEntryName(model: Model, block: Block): (index: number) => string {
  const { start } = blockRange(model, block);
  const P = parameterCount(model, block);
  return (index) => `H[${parameterName(model, start + Math.floor(index / P))}, ${parameterName(model, start + (index % P))}]`;
}

/**
 * A caller's looser tolerance for the quantities its own function produces (checkAgainstOracles'
 * `tolerance`, for float32 or stochastic implementations). While `withToleranceOverride` runs, every
 * comparison of a listed quantity is held to the larger of the property's rtol and atol and these;
 * it can loosen a property, never tighten it below what its oracle resolves.
 */
export interface ToleranceOverride {
  rtol?: number;
  atol?: number;
  /** The Part quantities it applies to ("traceH", "lambdaMaxUpper", "boundGradient.upper", ...). */
  quantities: readonly string[];
}

// Dynamic scope for the override: properties are synchronous, so it covers exactly one check.
let activeOverride: ToleranceOverride | undefined;

/** Run `body` with `override` applied to the comparisons it makes (see ToleranceOverride). */
export function withToleranceOverride<T>(override: ToleranceOverride, body: () => T): T {
  const previous = activeOverride;
  activeOverride = override;
  try {
    return body();
  } finally {
    activeOverride = previous;
  }
}

function overrideFor(quantity: string): ToleranceOverride | undefined {
  return activeOverride?.quantities.includes(quantity) ? activeOverride : undefined;
}

export interface CompareSpec {
  rtol: number;
  /** Absolute floor: one number, or one per element (a finite difference's round-off). */
  atol?: number | ArrayLike<number>;
  /** Magnitude below which errors count as absolute (default max |expected|). */
  scale?: number;
  /** Names element i for the message (default `quantity[i]`). */
  name?: (index: number) => string;
}

/**
 * Elementwise |actual - expected| <= atol_i + rtol max(|expected_i|, scale), the rule of
 * tolerance.ts with a per-element absolute floor. NaN anywhere fails.
 */
export function comparePart(quantity: string, leg: string, actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, given: CompareSpec): Part {
  const o = overrideFor(quantity);
  const spec: CompareSpec = o ? { ...given, rtol: Math.max(given.rtol, o.rtol ?? 0), atol: loosenAtol(given.atol, o.atol ?? 0) } : given;
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  if (a.length !== e.length) {
    return { quantity, leg, rtol: spec.rtol, ok: false, worstRatio: Infinity, worstRelativeError: Infinity, worst: `${quantity}: length ${a.length}, expected ${e.length}` };
  }
  let scale = spec.scale;
  if (scale === undefined) {
    scale = 0;
    for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]!));
  }
  const atolAt = (i: number): number => (spec.atol === undefined ? 0 : typeof spec.atol === 'number' ? spec.atol : spec.atol[i]!);
  let worstRatio = 0;
  let worstRel = 0;
  let worstIndex = -1;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - e[i]!);
    const allowed = atolAt(i) + spec.rtol * Math.max(Math.abs(e[i]!), scale);
    const ratio = Number.isNaN(diff) ? Infinity : diff === 0 ? 0 : allowed === 0 ? Infinity : diff / allowed;
    if (ratio > worstRatio || worstIndex < 0) {
      worstRatio = ratio;
      worstIndex = i;
      worstRel = Number.isNaN(diff) ? Infinity : diff === 0 ? 0 : diff / Math.max(Math.abs(e[i]!), scale, atolAt(i) / spec.rtol, Number.MIN_VALUE);
    }
  }
  if (worstIndex < 0) return { quantity, leg, rtol: spec.rtol, ok: true, worstRatio: 0, worstRelativeError: 0, worst: `${quantity}: empty` };
  const label = spec.name ? spec.name(worstIndex) : a.length === 1 ? quantity : `${quantity}[${worstIndex}]`;
  const ok = worstRatio <= 1;
  return {
    quantity,
    leg,
    rtol: spec.rtol,
    ok,
    worstRatio,
    worstRelativeError: worstRel,
    worst: `${label} = ${a[worstIndex]} vs ${leg} ${e[worstIndex]} (relative error ${worstRel.toExponential(2)}, ${Number.isFinite(worstRatio) ? worstRatio.toFixed(2) : worstRatio}x the tolerance)`,
  };
}

function loosenAtol(atol: CompareSpec['atol'], floor: number): CompareSpec['atol'] {
  if (floor <= 0) return atol;
  if (atol === undefined || typeof atol === 'number') return Math.max(atol ?? 0, floor);
  return Float64Array.from(atol, (x) => Math.max(x, floor));
}

/**
 * One-sided checks lower <= upper + slack: each violation max(0, lower - upper) is reported
 * relative to `scale`; the ratio is violation / slack.
 */
export function compareInequalities(leg: string, checks: { quantity: string; lower: number; upper: number; text: string }[], givenSlack: number, scale: number, givenRtol: number): Part[] {
  return checks.map((c) => {
    const o = overrideFor(c.quantity);
    const slack = o ? Math.max(givenSlack, (o.rtol ?? 0) * scale + (o.atol ?? 0)) : givenSlack;
    const rtol = o ? Math.max(givenRtol, o.rtol ?? 0) : givenRtol;
    const excess = c.lower - c.upper;
    const violation = Number.isNaN(excess) ? Infinity : Math.max(0, excess);
    const ratio = violation === 0 ? 0 : slack > 0 ? violation / slack : Infinity;
    const rel = violation / Math.max(scale, slack / rtol, Number.MIN_VALUE);
    return {
      quantity: c.quantity,
      leg,
      rtol,
      ok: ratio <= 1,
      worstRatio: ratio,
      worstRelativeError: rel,
      worst: `${c.text}: ${c.lower} <= ${c.upper} ${violation === 0 ? 'holds' : `violated by ${violation.toExponential(3)} (${rel.toExponential(2)} of max|lambda|, slack ${slack.toExponential(2)})`}`,
    };
  });
}

/** Combine parts (kept in the property's order, so tables are stable). */
export function outcome(parts: Part[]): PropertyOutcome {
  return { ok: parts.every((p) => p.ok), parts };
}

export function skipped(reason: string): PropertyOutcome {
  return { ok: true, parts: [], skipped: reason };
}
