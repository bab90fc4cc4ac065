/**
 * The loss table of the registry: one row per loss numeric knows, each shown by its own entry
 * with its four building blocks, and the rule that decides on which losses a formula is checked
 * (a formula about the softmax holds for the softmax losses only; one written in the slots for all).
 */
import { describe, expect, it } from 'vitest';
import { LOSS_NAMES } from '@hsr/numeric';
import { DIAG_S } from '../../src/definitions/estimators.ts';
import { BINARY_CROSS_ENTROPY, CROSS_ENTROPY, LABEL_SMOOTHING, LOSS_DEFINITIONS, LOSSES, lossesOfFormula, MSE } from '../../src/definitions/losses.ts';
import { T1 } from '../../src/definitions/traces.ts';
import { FORMULA_REGISTRY } from '../../src/registry.ts';

describe('the loss table', () => {
  it("has a row for every loss of numeric's table, each shown with its ell, g, S and S3 by its own entry", () => {
    expect(LOSSES.map((l) => l.name).sort()).toEqual([...LOSS_NAMES].sort());
    for (const l of LOSSES) {
      expect(LOSS_DEFINITIONS[l.name]).toBe(l);
      const entry = FORMULA_REGISTRY.find((e) => e.id === l.entry)!;
      expect(entry, l.name).toBeDefined();
      for (const d of [l.ell, l.g, l.S, l.S3]) expect(entry.definitions, `${l.name} ${d.name}`).toContain(d);
    }
    expect(new Set(LOSSES.map((l) => l.entry)).size).toBe(LOSSES.length);
  });

  it('checks a softmax formula on the softmax losses, a loss identity on its loss, a formula in the slots on every loss', () => {
    expect(lossesOfFormula(CROSS_ENTROPY.identities[0]!)).toEqual([CROSS_ENTROPY, LABEL_SMOOTHING]);
    expect(lossesOfFormula(LABEL_SMOOTHING.identities[0]!)).toEqual([LABEL_SMOOTHING]);
    expect(lossesOfFormula(DIAG_S)).toEqual([CROSS_ENTROPY, LABEL_SMOOTHING]);
    expect(lossesOfFormula(MSE.identities[1]!)).toEqual([MSE]);
    expect(lossesOfFormula(BINARY_CROSS_ENTROPY.identities[0]!)).toEqual([BINARY_CROSS_ENTROPY]);
    expect(lossesOfFormula({ kind: 'definition', definition: T1 })).toEqual(LOSSES);
  });
});
