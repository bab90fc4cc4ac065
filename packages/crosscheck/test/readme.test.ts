/** The README's checkAgainstOracles example runs, and the same call catches a wrong trace. */
import { readFileSync } from 'node:fs';
import { describe, expect, test, vi } from 'vitest';
import * as numeric from '@hsr/numeric';
import type { Dataset, Model, Variant } from '@hsr/numeric';
import * as crosscheck from '../src/index.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's "Checking your own implementation" code block. */
function example(): string {
  const section = README.slice(README.indexOf('## Checking your own implementation'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README example not found');
  return m[1]!;
}

describe('README example', () => {
  test('runs as written and passes for a correct trace', () => {
    const body = example()
      .replace(/^import .*$/gm, '')
      .replace(/\(model, data, variant\)/g, '(model: Model, data: Dataset, variant: Variant)');
    const logs: unknown[][] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(args));
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('checkAgainstOracles', 'hessianTraces', body.replace(/: (Model|Dataset|Variant)/g, ''));
    run(crosscheck.checkAgainstOracles, numeric.hessianTraces);
    log.mockRestore();
    expect(logs[0]?.[0]).toBe(true);
    expect(String(logs[0]?.[1])).toContain('trace-equals-eigenvalue-sum: ok');
  });

  test('the same call rejects a trace that is off by a factor', () => {
    const wrong = (m: Model, d: Dataset, v: Variant) => 1.001 * numeric.hessianTraces(m, d, v).traceH;
    const report = crosscheck.checkAgainstOracles({ quantity: 'traceH', implementation: wrong, runs: 25, seed: 1 });
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toContain('replay: HSR_SEED=1');
  });

  test('a user bound gradient is checked against central differences (and autodiff when present)', () => {
    const mine = (m: Model, d: Dataset, v: Variant) => numeric.boundGradient(m, d, v, 'lower').gradient;
    const report = crosscheck.checkAgainstOracles({ quantity: 'boundGradient', bound: 'lower', implementation: mine, runs: 10, seed: 2, cases: { inputDim: [1, 3], hiddenDim: [1, 3], samples: [1, 4] } });
    expect(report.failures).toEqual([]);
    expect(report.runs.map((r) => r.property)).toContain('bound-gradient-vs-central-difference');
  });

  test('symbolicRuns adds the symbolic engines, which accept a right T2 and reject a wrong one', () => {
    const right = (m: Model, d: Dataset, v: Variant) => numeric.hessianTraces(m, d, v).traceH2;
    const ok = crosscheck.checkAgainstOracles({ quantity: 'traceH2', implementation: right, runs: 3, seed: 4, symbolicRuns: 2, cases: { activations: ['tanh'] } });
    expect(ok.failures).toEqual([]);
    expect(ok.runs.map((r) => r.property)).toEqual(expect.arrayContaining(['traces-equal-nerdamer', 'traces-equal-mathjs']));
    const wrong = (m: Model, d: Dataset, v: Variant) => 1.0001 * numeric.hessianTraces(m, d, v).traceH2;
    const bad = crosscheck.checkAgainstOracles({ quantity: 'traceH2', implementation: wrong, runs: 3, seed: 4, symbolicRuns: 2, cases: { activations: ['tanh'] } });
    const failed = bad.runs.filter((r) => !r.ok).map((r) => r.property);
    expect(failed).toEqual(expect.arrayContaining(['traces-equal-nerdamer', 'traces-equal-mathjs']));
  });

  test('the README states the symbolic limits the code uses', () => {
    const L = crosscheck.SYMBOLIC_LIMITS;
    expect(README).toContain(`nerdamer\nto P ≤ ${L.nerdamer.second}, third order P ≤ ${L.nerdamer.third}; mathjs to P ≤ ${L.mathjs.second}, third order P ≤ ${L.mathjs.third}, N ≤ ${L.mathjs.samples}`);
    expect(README).toContain(`(up to P ≤ ${L.gaussNewton},\nany N)`);
  });
});
