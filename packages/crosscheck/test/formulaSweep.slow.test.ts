/**
 * The full formula sweep (FULL_SWEEP: every (h, c) in 1..4 x 2..5 with every activation, plus the
 * small shapes the engines' third derivatives need), one test per activation: every comparison
 * passes, and the committed record (docs/verification.json, which the docs render) is what this
 * run produces: the same comparisons on the same cases and shapes, and worst errors that agree
 * to within round-off drift (a factor of 100, for another machine's libm).
 */
import { dirname, join, resolve } from 'node:path';
import { ACTIVATION_NAMES } from '@hsr/numeric';
import { FORMULA_REGISTRY } from '@hsr/symbolic/registry';
import { buildRecord, FULL_SWEEP, readRecord, verifyCase, type CaseResult } from '@hsr/symbolic';
import { describe, expect, it } from 'vitest';
import { describeFailure, judgeMeasurement } from '../src/formulaSweep.ts';

const DOCS = resolve(dirname(new URL(import.meta.url).pathname), '../../../docs');
const results: CaseResult[] = [];

describe('the full formula sweep (slow)', () => {
  for (const activation of ACTIVATION_NAMES) {
    const cases = FULL_SWEEP.filter((c) => c.activation === activation);
    it(`${activation}: every comparison passes on its ${cases.length} cases`, { timeout: 1_800_000 }, () => {
      const failures: string[] = [];
      for (const c of cases) {
        const r = verifyCase(c);
        results.push(r);
        for (const m of r.measurements) {
          const j = judgeMeasurement(m);
          if (!j.pass) failures.push(describeFailure({ case: r.name, measurement: m, judgement: j }));
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('reproduces the committed record', () => {
    expect(results).toHaveLength(FULL_SWEEP.length);
    const order = FULL_SWEEP.map((c) => results.find((r) => r.case === c)!);
    const record = buildRecord(
      order,
      judgeMeasurement,
      'pnpm hsr docs --sweep',
      FORMULA_REGISTRY.map((e) => e.id),
    );
    const committed = readRecord(join(DOCS, 'verification.json'))!;
    const shape = (r: typeof committed) => r.entries.map((e) => ({ entry: e.entry, comparisons: e.comparisons.map((c) => ({ quantity: c.quantity, leg: c.leg, cases: c.cases, coverage: c.coverage, pass: c.pass })) }));
    expect(shape(record)).toEqual(shape(committed));
    for (const e of record.entries)
      for (const c of e.comparisons) {
        const old = committed.entries.find((x) => x.entry === e.entry)!.comparisons.find((x) => x.quantity === c.quantity && x.leg === c.leg)!;
        const floor = 1e-17;
        expect(Math.abs(Math.log10((c.worstRelativeError + floor) / (old.worstRelativeError + floor))), `${e.entry} ${c.quantity} vs ${c.leg}`).toBeLessThan(2);
      }
  });
});
