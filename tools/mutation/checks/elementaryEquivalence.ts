/**
 * `tsx --conditions=source tools/mutation/checks/elementaryEquivalence.ts MUTANT.ts`: the
 * evidence behind the entries of equivalents/autodiff-elementary.json. MUTANT.ts is a copy of
 * packages/autodiff/src/elementary.ts with one mutant applied, placed next to it. Both are run
 * on the same points and every output of erf, erfc and erfcRule is compared with Object.is: a
 * grid of step 2.2e-5 over [-8.8, 8.8], the 4,001 floats on each side of +-1.5 (the switch
 * between the series and the continued fraction), 200,000 seeded uniform points in (-1.5, 1.5),
 * and 0, -0, the smallest subnormal, 1e-300, +-27 and NaN. Prints the number of outputs
 * compared, or the first difference (exit 1).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as original from '../../../packages/autodiff/src/elementary.ts';
import { createRng } from '../../../packages/numeric/src/random.ts';
import { comparison } from './compare.ts';

type ElementaryModule = typeof original;
const file = process.argv[2];
if (file === undefined) throw new Error('usage: elementaryEquivalence.ts MUTANT.ts');
const mutant = (await import(pathToFileURL(path.resolve(file)).href)) as ElementaryModule;

const buf = new Float64Array(1);
const bits = new BigInt64Array(buf.buffer);
/** The float k steps of one ulp from x (x > 0 or x < 0, away from 0). */
const floatStep = (x: number, k: number) => {
  buf[0] = x;
  bits[0]! += BigInt(k);
  return buf[0]!;
};
const xs: number[] = [0, -0, 5e-324, 1e-300, 27, -27, NaN];
for (let i = -400000; i <= 400000; i++) xs.push(i * 2.2e-5);
for (const c of [1.5, -1.5]) for (let k = -4000; k <= 4000; k++) xs.push(floatStep(c, k));
const rng = createRng(20261203);
for (let i = 0; i < 200000; i++) xs.push(3 * rng.uniform() - 1.5);

const check = comparison();
for (const x of xs) check.same(`x = ${x}: erf, erfc, erfcRule 0..3`, [original.erf(x), original.erfc(x), ...original.erfcRule(x)], [mutant.erf(x), mutant.erfc(x), ...mutant.erfcRule(x)]);
process.stdout.write(`${check.compared} outputs compared, all identical\n`);
