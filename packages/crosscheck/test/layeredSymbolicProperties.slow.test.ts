/**
 * The layered symbolic leg swept over generated tiny MLPs of depth 3 and 4 (widths 1, c = 2,
 * N <= 2; every activation, loss, reduction, block of layers, biases on and off) under the slow
 * limits (LAYERED_SYMBOLIC_SLOW_LIMITS: nerdamer to third order at P = 4, SiLU and GELU to second
 * order): about 45 minutes on a loaded 2-core machine, because nerdamer derives every shape,
 * activation and loss anew (sigmoid and softplus at L = 3 to third order: 4 to 11 minutes each).
 * mathjs cannot differentiate erf, so for GELU its properties must say so on every case rather
 * than pass; where the limits put nerdamer out of reach, its properties must say that instead.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ACTIVATION_NAMES } from '@hsr/numeric';
import { MATHJS_GELU_SKIP_REASON } from '@hsr/symbolic';
import { LAYERED_SYMBOLIC_SLOW_LIMITS, layeredCaseArbitrary, layeredSymbolicCaseOptions, runProperty } from '../src/index.ts';
import { layeredSymbolicProperties } from '../src/symbolic.ts';

const FILE = 'packages/crosscheck/test/layeredSymbolicProperties.slow.test.ts';
const SEED = 20261202;
const RUNS = 4;

/** Where the slow limits put a property out of nerdamer's reach on every case: third order past P = 4 or for SiLU and GELU, second order past P = 4 for them. */
function outOfReach(name: string, depth: number, activation: string): boolean {
  if (!name.endsWith('-nerdamer')) return false;
  const costly = activation === 'silu' || activation === 'gelu';
  return name.includes('gradients') ? depth > 3 || costly : depth > 3 && costly;
}

describe.each([3, 4])('layered symbolic leg over generated tiny cases at L = %i', (depth) => {
  for (const activation of ACTIVATION_NAMES)
    for (const property of layeredSymbolicProperties(LAYERED_SYMBOLIC_SLOW_LIMITS)) {
      // nerdamer reaches no network with biases (P >= 8 > 5): its cases are drawn without, so fast-check does not skip past them.
      const nerdamer = property.name.endsWith('-nerdamer');
      const arbitrary = layeredCaseArbitrary({ ...layeredSymbolicCaseOptions(depth), activations: [activation], ...(nerdamer ? { bias: false } : {}) });
      if (activation === 'gelu' && !nerdamer)
        test(`${property.name} (${activation}) says why it cannot run`, () => {
          for (const c of fc.sample(arbitrary, { numRuns: RUNS, seed: SEED })) expect(property.check(c).skipped).toBe(MATHJS_GELU_SKIP_REASON);
        });
      else if (outOfReach(property.name, depth, activation))
        test(`${property.name} (${activation}) says why it is out of reach`, () => {
          for (const c of fc.sample(arbitrary, { numRuns: RUNS, seed: SEED })) expect(property.check(c).skipped).toMatch(/exceeds the nerdamer (third-order )?limit/);
        });
      // Every run checks a case: a case the property skips is a failed precondition, and fast-check draws another.
      else
        test(`${property.name} (${activation})`, { timeout: 1_800_000 }, () => {
          const run = runProperty(property, { seed: SEED, numRuns: RUNS, arbitrary, file: FILE });
          expect(run.message).toBeUndefined();
          expect(run.ok).toBe(true);
        });
    }
});
