/**
 * Random probe vectors for the stochastic estimators: every probe v has i.i.d. entries with
 * E[v_i] = 0 and E[v_i^2] = 1, so E[v v^T] = I and E[v^T H v] = tr H (Hutchinson 1989,
 * Girard 1989). Rademacher entries are +-1 with probability 1/2 each (PyHessian's
 * `randint_like(p, high=2)` with 0 mapped to -1; curvlinops' default); Gaussian entries are
 * standard normal (Marsaglia's polar method on
 * the Rng's uniforms). Both are drawn from a seeded `Rng`, so every
 * estimate is reproducible from its seed.
 */
import type { Rng } from '../random.ts';

export type Probe = 'rademacher' | 'gaussian';

export const PROBES: readonly Probe[] = ['rademacher', 'gaussian'];

/** Fill `out` with one probe vector drawn from `rng`; returns `out`. */
export function drawProbe(rng: Rng, probe: Probe, out: Float64Array): Float64Array {
  if (probe === 'gaussian') {
    // Marsaglia's polar method (exact): no sin/cos, ~1.6x faster than Rng.normal's Box-Muller,
    // which matters at P ~ 1e5 entries per probe.
    for (let i = 0; i < out.length; i += 2) {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * rng.uniform() - 1;
        v = 2 * rng.uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      out[i] = u * f;
      if (i + 1 < out.length) out[i + 1] = v * f;
    }
    return out;
  }
  // 32 signs per draw: the top 32 of the 53 random bits of one uniform() (each fair and
  // independent), instead of one whole uniform per entry.
  for (let i = 0; i < out.length; i += 32) {
    const bits = Math.floor(rng.uniform() * 4294967296);
    const end = Math.min(out.length, i + 32);
    for (let j = i; j < end; j++) out[j] = (bits >>> (j - i)) & 1 ? 1 : -1;
  }
  return out;
}

/** Check a product budget: a positive integer (the number of Hessian-vector products). */
export function checkBudget(name: string, products: number, min = 1): void {
  if (!Number.isInteger(products) || products < min) throw new RangeError(`${name}: the number of Hessian-vector products must be an integer >= ${min}, got ${products}`);
}

/** Check a list of budgets: positive integers, strictly increasing. */
export function checkBudgets(name: string, budgets: readonly number[]): void {
  if (budgets.length === 0) throw new RangeError(`${name}: no budgets given`);
  budgets.forEach((m, i) => {
    checkBudget(name, m);
    if (i > 0 && !(m > budgets[i - 1]!)) throw new RangeError(`${name}: budgets must be strictly increasing, got ${budgets.join(', ')}`);
  });
}
