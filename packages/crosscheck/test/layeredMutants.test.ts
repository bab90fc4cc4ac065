/**
 * Proof that the layered checks bite at depth: deliberately broken versions of numeric's deep
 * closed forms (layeredMutantList.ts), each of which its named layered property must REJECT on
 * generated three-layer-of-weights cases (L = 3), once per loss; and the same property must
 * accept the unmutated implementation on the same cases. Each rejection prints fast-check's
 * shrunk counterexample with its worst element and replay command. Seeds are fixed.
 */
import { describe, expect, test } from 'vitest';
import { LOSS_NAMES } from '@hsr/numeric';
import { layeredCaseArbitrary, runProperty } from '../src/index.ts';
import { LAYERED_MUTANTS } from './layeredMutantList.ts';

const FILE = 'packages/crosscheck/test/layeredMutants.test.ts';
const RUNS = 100;
const SEED = 20261202;

describe.each(LOSS_NAMES)('deep mutants are rejected by the layered properties at L = 3 (%s)', (loss) => {
  for (const mutant of LAYERED_MUTANTS) {
    const cases = { ...mutant.cases, depth: [3, 3] as [number, number], losses: [loss] };
    test(`${mutant.name} is rejected by ${mutant.property.name}`, () => {
      const run = runProperty(mutant.property, { impl: mutant.impl, seed: SEED, numRuns: RUNS, arbitrary: layeredCaseArbitrary(cases), file: FILE });
      console.log(`MUTANT ${mutant.name} (${mutant.what}) [${loss}]\n${run.message ?? 'NOT CAUGHT'}`);
      expect(run.ok).toBe(false);
      expect(run.counterexample?.model.layers.length).toBe(3);
      expect(run.outcome?.ok).toBe(false);
      expect(run.message).toContain(mutant.property.name);
      expect(run.message).toContain(`HSR_REPLAY='${mutant.property.name}=${SEED}:`);
    });
    test(`${mutant.property.name} accepts the unmutated deep implementation on the same cases`, () => {
      const run = runProperty(mutant.property, { seed: SEED, numRuns: 30, arbitrary: layeredCaseArbitrary(cases) });
      expect(run.message).toBeUndefined();
      expect(run.ok).toBe(true);
    });
  }
});
