/**
 * `tsx tools/mutation/checks/lanczosEquivalence.ts MUTANT.ts`: the evidence behind the entries of
 * equivalents/numeric-lanczos.json. MUTANT.ts is a copy of packages/numeric/src/lanczos.ts with
 * one mutant applied, placed next to it (so that its imports resolve). Both are run on the same
 * inputs and every output is compared with Object.is:
 * - tridiagonalEigen on seeded random tridiagonals of size 0, 1, 2, 3, 5, 17 and 60, the same
 *   with equal diagonal entries (the shift's tie p = 0), with zero off-diagonals (split blocks),
 *   with a zero leading block, Wilkinson's W21+ (close eigenvalue pairs), graded entries
 *   (10^-8 .. 10^8) and each scaled by 2^-100 and 2^100;
 * - lanczosExtremes on diagonal operators (the spectra of lanczos.test.ts, repeated eigenvalues,
 *   P = 1, 2, 3, 200) and seeded dense symmetric operators (P = 1 .. 40), for k in {1, 3, 120,
 *   P}, tol in {0, 1e-12, 1e-8} and seeds 0 .. 2.
 * Prints the number of outputs compared, or the first difference and, over all inputs, the
 * largest difference relative to the output's scale (exit 1). A thrown error counts as output.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as original from '../../../packages/numeric/src/lanczos.ts';
import type { HessianOperator } from '../../../packages/numeric/src/hessianVectorProduct.ts';
import { createRng } from '../../../packages/numeric/src/random.ts';

type LanczosModule = typeof original;
const file = process.argv[2];
if (file === undefined) throw new Error('usage: lanczosEquivalence.ts MUTANT.ts');
const mutant = (await import(pathToFileURL(path.resolve(file)).href)) as LanczosModule;

function run(f: () => { numbers: number[] }): { numbers: number[]; error?: string } {
  try {
    return f();
  } catch (e) {
    return { numbers: [], error: String(e) };
  }
}

const tridiagonals: { name: string; alpha: number[]; beta: number[] }[] = [];
const rng = createRng(Number(process.env.HSR_SEED ?? 20260101));
for (const n of [0, 1, 2, 3, 5, 17, 60]) {
  for (let rep = 0; rep < 20; rep++) {
    const alpha = Array.from({ length: n }, () => rng.normal());
    const beta = Array.from({ length: Math.max(0, n - 1) }, () => rng.normal());
    tridiagonals.push({ name: `random n=${n} #${rep}`, alpha, beta });
    tridiagonals.push({ name: `equal diagonal n=${n} #${rep}`, alpha: alpha.map(() => alpha[0] ?? 0), beta });
    tridiagonals.push({ name: `split n=${n} #${rep}`, alpha, beta: beta.map((b, i) => (i % 3 === 1 ? 0 : b)) });
    if (n >= 3) tridiagonals.push({ name: `zero leading n=${n} #${rep}`, alpha: alpha.map((a, i) => (i < 2 ? 0 : a)), beta: beta.map((b, i) => (i === 0 ? 0 : b)) });
    tridiagonals.push({ name: `graded n=${n} #${rep}`, alpha: alpha.map((a, i) => a * 10 ** (-8 + (16 * i) / Math.max(1, n - 1))), beta: beta.map((b, i) => b * 10 ** (-8 + (16 * i) / Math.max(1, n - 1))) });
  }
}
tridiagonals.push({ name: 'W21+', alpha: Array.from({ length: 21 }, (_, i) => Math.abs(10 - i)), beta: Array.from({ length: 20 }, () => 1) });
for (const t of [...tridiagonals]) for (const c of [2 ** -100, 2 ** 100]) tridiagonals.push({ name: `${t.name} x${c}`, alpha: t.alpha.map((a) => a * c), beta: t.beta.map((b) => b * c) });

function diagonalOperator(values: readonly number[]): HessianOperator {
  return {
    size: values.length,
    apply(v, out = new Float64Array(values.length)) {
      for (let i = 0; i < values.length; i++) out[i] = values[i]! * v[i]!;
      return out;
    },
  };
}
function denseOperator(P: number, seed: number): HessianOperator {
  const r = createRng(seed);
  const A = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) A[i * P + j] = A[j * P + i] = r.normal();
  return {
    size: P,
    apply(v, out = new Float64Array(P)) {
      for (let i = 0; i < P; i++) {
        let s = 0;
        for (let j = 0; j < P; j++) s += A[i * P + j]! * v[j]!;
        out[i] = s;
      }
      return out;
    },
  };
}
const operators: { name: string; op: HessianOperator }[] = [
  { name: 'SPECTRUM', op: diagonalOperator([5, -3, ...Array.from({ length: 198 }, (_, i) => -1 + (2 * i) / 197)]) },
  { name: 'cosine cluster', op: diagonalOperator(Array.from({ length: 60 }, (_, i) => Math.cos((Math.PI * i) / 59))) },
  { name: 'two eigenvalues', op: diagonalOperator([1, 1, 1, 5, 5, 5, 5]) },
  { name: 'P=3', op: diagonalOperator([2, -1, 0.5]) },
  { name: 'P=2', op: diagonalOperator([1, 2]) },
  { name: 'P=1', op: diagonalOperator([3]) },
  { name: 'graded', op: diagonalOperator(Array.from({ length: 200 }, (_, i) => (i % 2 === 1 ? -1 : 1) * 10 ** ((-12 * i) / 199))) },
  { name: 'positive, small end', op: diagonalOperator(Array.from({ length: 80 }, (_, i) => 0.01 + (5 * i * i) / 6241)) },
];
for (let P = 1; P <= 40; P += 3) operators.push({ name: `dense P=${P}`, op: denseOperator(P, 1000 + P) });

let compared = 0;
let first: string | undefined;
let worst = 0;
function compare(name: string, a: { numbers: number[]; error?: string }, b: { numbers: number[]; error?: string }): void {
  if (a.error !== b.error || a.numbers.length !== b.numbers.length) {
    first ??= `${name}: ${a.error ?? a.numbers.length} vs ${b.error ?? b.numbers.length}`;
    worst = Infinity;
    return;
  }
  const scale = Math.max(Number.MIN_VALUE, ...a.numbers.map((x) => (Number.isFinite(x) ? Math.abs(x) : 0)));
  for (let i = 0; i < a.numbers.length; i++) {
    compared++;
    if (!Object.is(a.numbers[i], b.numbers[i])) {
      first ??= `${name}[${i}]: ${a.numbers[i]} vs ${b.numbers[i]}`;
      worst = Math.max(worst, Math.abs(a.numbers[i]! - b.numbers[i]!) / scale || Infinity);
    }
  }
}
for (const t of tridiagonals) {
  const f = (m: LanczosModule) => () => {
    const r = m.tridiagonalEigen(t.alpha, t.beta);
    return { numbers: [...r.values, ...r.lastRow] };
  };
  compare(`tridiagonalEigen ${t.name}`, run(f(original)), run(f(mutant)));
}
for (const { name, op } of operators)
  for (const k of [1, 3, 120, op.size])
    for (const tol of [0, 1e-12, 1e-8])
      for (const seed of [0, 1, 2]) {
        const f = (m: LanczosModule) => () => {
          const r = m.lanczosExtremes(op, { k, tol, seed });
          return { numbers: [r.lambdaMax, r.lambdaMin, r.iterations, r.converged ? 1 : 0, r.residualMax, r.residualMin] };
        };
        compare(`lanczosExtremes ${name} k=${k} tol=${tol} seed=${seed}`, run(f(original)), run(f(mutant)));
      }
if (first !== undefined) {
  process.stdout.write(`differs: ${first}; largest difference relative to the output's scale: ${worst}\n`);
  process.exit(1);
}
process.stdout.write(`identical: ${compared} numbers over ${tridiagonals.length} tridiagonals and ${operators.length} operators x 36 settings\n`);
