/**
 * The autodiff oracle (@hsr/autodiff: forward-mode AD over the loss definition itself,
 * sharing no formula code with @hsr/numeric), seen through one normalised interface.
 *
 * The package is built concurrently with this one; its functions are looked up at run time,
 * so an absent function makes the autodiff properties report "unavailable" (and tests skip
 * them by name, loudly) instead of failing to compile. Results are accepted either as bare
 * arrays or as objects carrying the array, whichever shape the package settles on.
 */
import * as autodiff from '@hsr/autodiff';
import type { BoundKind, Dataset, Model, Reduction, SymmetricMatrix, Variant } from '@hsr/numeric';

export interface AutodiffLeg {
  lossGradient(model: Model, data: Dataset, reduction: Reduction): Float64Array;
  hessian(model: Model, data: Dataset, variant: Variant): SymmetricMatrix;
  traces(model: Model, data: Dataset, variant: Variant): { traceH: number; traceH2: number };
  /** With T1, T2 themselves (the values the gradients were taken at). */
  traceGradients(model: Model, data: Dataset, variant: Variant): { traceH: number; traceH2: number; gradTraceH: Float64Array; gradTraceH2: Float64Array };
  boundGradient(model: Model, data: Dataset, variant: Variant, of: BoundKind): { value: number; gradient: Float64Array };
  /** The bound's gradient by autodiff's own chain rule from trace gradients already computed (P = the block size). */
  boundGradientFromTraces(traces: { traceH: number; traceH2: number; gradTraceH: Float64Array; gradTraceH2: Float64Array }, P: number, of: BoundKind): { value: number; gradient: Float64Array };
}

type AnyFn = (...args: unknown[]) => unknown;
const api = autodiff as unknown as Record<string, AnyFn | undefined>;

const NAMES = {
  lossGradient: 'autodiffGradient',
  hessian: 'autodiffHessian',
  traces: 'autodiffTraces',
  traceGradients: 'autodiffTraceGradients',
  boundGradient: 'autodiffBoundGradient',
  boundGradientFromTraces: 'autodiffBoundGradientFromTraces',
} as const satisfies Record<keyof AutodiffLeg, string>;

/** The @hsr/autodiff export names each leg function needs. */
export const AUTODIFF_EXPORTS = NAMES;

/** Whether @hsr/autodiff exports the function behind `leg`. */
export function autodiffHas(leg: keyof AutodiffLeg): boolean {
  return typeof api[NAMES[leg]] === 'function';
}

/** Why an autodiff leg cannot run, or null when it can. */
export function autodiffMissing(...legs: (keyof AutodiffLeg)[]): string | null {
  const absent = legs.filter((l) => !autodiffHas(l)).map((l) => NAMES[l]);
  return absent.length === 0 ? null : `@hsr/autodiff does not export ${absent.join(', ')}`;
}

function call(leg: keyof AutodiffLeg, ...args: unknown[]): unknown {
  const f = api[NAMES[leg]];
  if (typeof f !== 'function') throw new Error(`@hsr/autodiff does not export ${NAMES[leg]}`);
  return f(...args);
}

function asArray(x: unknown, key: string): Float64Array {
  if (x instanceof Float64Array) return x;
  if (Array.isArray(x)) return Float64Array.from(x as number[]);
  if (x && typeof x === 'object' && key in x) return asArray((x as Record<string, unknown>)[key], key);
  throw new Error(`@hsr/autodiff returned an unexpected shape (looked for ${key})`);
}

function asMatrix(x: unknown): SymmetricMatrix {
  if (x && typeof x === 'object' && 'size' in x && 'data' in x) return { size: Number((x as { size: number }).size), data: asArray((x as { data: unknown }).data, 'data') };
  if (x && typeof x === 'object' && 'hessian' in x) return asMatrix((x as { hessian: unknown }).hessian);
  const data = asArray(x, 'data');
  return { size: Math.round(Math.sqrt(data.length)), data };
}

/** @hsr/autodiff behind the normalised interface; each call throws if its function is absent. */
export const AUTODIFF: AutodiffLeg = {
  lossGradient: (model, data, reduction) => asArray(call('lossGradient', model, data, reduction), 'gradient'),
  hessian: (model, data, variant) => asMatrix(call('hessian', model, data, variant)),
  traces: (model, data, variant) => {
    const r = call('traces', model, data, variant) as { traceH: number; traceH2: number };
    return { traceH: r.traceH, traceH2: r.traceH2 };
  },
  traceGradients: (model, data, variant) => {
    const r = call('traceGradients', model, data, variant) as { traceH?: number; traceH2?: number };
    if (typeof r.traceH !== 'number' || typeof r.traceH2 !== 'number') throw new Error('@hsr/autodiff traceGradients returned no traceH/traceH2');
    return { traceH: r.traceH, traceH2: r.traceH2, gradTraceH: asArray(r, 'gradTraceH'), gradTraceH2: asArray(r, 'gradTraceH2') };
  },
  boundGradient: (model, data, variant, of) => {
    const r = call('boundGradient', model, data, variant, of) as { value: number };
    return { value: r.value, gradient: asArray(r, 'gradient') };
  },
  boundGradientFromTraces: (traces, P, of) => {
    const r = call('boundGradientFromTraces', traces, P, of) as { value: number };
    return { value: r.value, gradient: asArray(r, 'gradient') };
  },
};
