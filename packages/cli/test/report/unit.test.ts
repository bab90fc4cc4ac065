/** One (data set, seed) unit: the sweep's choice rule and the step count the progress total uses. */
import { describe, expect, it } from 'vitest';
import { protocolFor } from '../../src/report/settings.ts';
import { chooseCandidate, stepsPerEpoch, unitSteps } from '../../src/report/unit.ts';

describe('chooseCandidate', () => {
  const c = (value: number, validationLoss: number | null) => ({ value, validationLoss, validationAccuracy: null, status: validationLoss === null ? ('diverged' as const) : ('completed' as const) });

  it('takes the lowest validation loss, the smaller value on a tie, and never a diverged run', () => {
    expect(chooseCandidate([c(0.1, 0.3), c(0.2, 0.25), c(0.5, 0.4)])).toBe(0.2);
    expect(chooseCandidate([c(0.1, 0.3), c(0.2, 0.3)])).toBe(0.1);
    expect(chooseCandidate([c(0.1, 0.3), c(1, null)])).toBe(0.1);
    // Every candidate diverged: the first value (the weakest setting), not a crash.
    expect(chooseCandidate([c(1, null), c(2, null)])).toBe(1);
  });
});

describe('unitSteps', () => {
  it('counts K sweep runs per method on the fitting part, one evaluation and one escape run on the training part', () => {
    const p = protocolFor('quick');
    const study = p.studies[0]!;
    // Full batch: one step per epoch everywhere; 4 methods x 150 epochs x (6 + 1 + 1).
    expect(unitSteps(p, study, 120, 96)).toBe(4 * 150 * (6 + 1 + 1));
    const batched = { ...study, data: { ...study.data, batchSize: 64 } };
    // ceil(96 / 64) = 2 sweep steps, ceil(120 / 64) = 2 steps otherwise.
    expect(stepsPerEpoch(batched.data, 96)).toBe(2);
    expect(unitSteps({ ...p, escape: null, sweep: null }, batched, 120, 96)).toBe(4 * 150 * 2);
  });
});
