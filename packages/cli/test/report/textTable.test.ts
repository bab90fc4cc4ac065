/**
 * The text table of `hsr reproduce`: with studies of two losses, each loss gets its own pooled
 * verdict and effect beside the pooled column, so a claim that holds for cross-entropy and fails
 * for mse reads as such; with one loss there are no per-loss columns. The synthetic λmax are
 * chosen so the verdicts are known by hand: hsr-step halves plain's λmax on the cross-entropy
 * studies (-50% on every seed: holds) and doubles it on the mse studies (+100%: does not hold).
 */
import { describe, expect, it } from 'vitest';
import type { TrainingMethod } from '@hsr/numeric';
import { MODELS } from '../../src/report/settings.ts';
import { verdictTable } from '../../src/report/textTable.ts';
import { evaluateClaims } from '../../src/report/verdicts.ts';
import { syntheticDataset, syntheticResults, type FinalValues } from './synthetic.ts';

const SEEDS = 5;
const plain = (s: number) => 1 + 0.5 * s;
const finals = (hsrFactor: number): Partial<Record<TrainingMethod, FinalValues[]>> => {
  const of = (f: (s: number) => number) => Array.from({ length: SEEDS }, (_, i) => ({ lambdaMax: f(i + 1), matchedLambdaMax: f(i + 1), testAccuracy: 0.9 }));
  return { plain: of(plain), 'hsr-step': of((s) => hsrFactor * plain(s)), 'hsr-penalty': of(plain), sam: of(plain) };
};
const mse = MODELS.find((m) => m.loss === 'mse')!;
const onMse = (name: string, factor: number) => {
  const d = syntheticDataset(name, finals(factor));
  return { ...d, study: { ...d.study, id: name, model: mse } };
};

/** The cells of the row of `claim` and `method`, split on the table's two-space column gaps. */
function row(table: string, claim: string, method: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${claim} `) && l.split(/ {2,}/)[1] === method);
  return line!.split(/ {2,}/);
}

describe('verdictTable', () => {
  it('gives each loss its pooled verdict and effect when the studies train two losses', () => {
    const summary = evaluateClaims(syntheticResults([syntheticDataset('a', finals(0.5)), syntheticDataset('b', finals(0.5)), onMse('a-mse', 2), onMse('b-mse', 2)]));
    const table = verdictTable(summary);
    const header = table.split('\n')[0]!.split(/ {2,}/);
    expect(header.slice(-4)).toEqual(['cross-entropy', 'cross-entropy effect [95% CI]', 'mse', 'mse effect [95% CI]']);
    const cells = row(table, 'lambda-max-final', 'hsr-step');
    expect(cells.at(-4)).toBe('holds');
    expect(cells.at(-2)).toBe('does not hold');
    // The effects are the ratios 1/2 and 2 as percent changes (no spread: the interval is the point).
    expect(cells.at(-3)).toBe('-50% [-50%, -50%]');
    expect(cells.at(-1)).toBe('+100% [+100%, +100%]');
  });

  it('has no per-loss columns for one loss', () => {
    const table = verdictTable(evaluateClaims(syntheticResults([syntheticDataset('a', finals(0.5)), syntheticDataset('b', finals(0.5))])));
    expect(table.split('\n')[0]!.split(/ {2,}/).at(-1)).toBe('Holm p');
  });
});
