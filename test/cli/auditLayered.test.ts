/**
 * `hsr audit` on MLPs of any depth, end to end through `pnpm hsr`: a layered model file is
 * detected by its "layers" and audited with the layered properties (every leg that applies at
 * depth, the symbolic engines on a tiny network), --layers picks a block, `--runs N --depth L`
 * draws generated layered cases; bad files and flags exit 2 with one line. (A planted deep
 * mutant making it exit 1: packages/cli/test/commands/audit.test.ts.)
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { writeLayeredCase } from './layeredCase.ts';
import { runHsr } from './run.ts';

let path: (name: string) => string;
beforeAll(() => {
  path = writeLayeredCase('hsr-audit-layered-');
  // Three linear layers of width 1, c = 2, no biases: P = 4, small enough for both symbolic engines.
  writeFileSync(path('tiny.json'), JSON.stringify({ activation: 'tanh', layers: [{ W: [[0.8]] }, { W: [[-1.1]] }, { W: [[0.9], [-0.6]] }] }));
  writeFileSync(path('tiny.data.json'), JSON.stringify({ X: [[0.5], [-1.3]], y: [0, 1] }));
  writeFileSync(path('bad.json'), JSON.stringify({ activation: 'tanh', layers: [{ W: [[0.8]] }, { W: [[-1.1, 0.3]] }, { W: [[0.9], [-0.6]] }] }));
});

describe('hsr audit on a layered model', () => {
  test('a tiny three-layer file: every leg, both symbolic engines, --json', () => {
    const r = runHsr(['audit', '--model', path('tiny.json'), '--data', path('tiny.data.json'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pass).toBe(true);
    expect(out.case).toBe(`${path('tiny.json')} on ${path('tiny.data.json')} [mean/hessian/layers 1,2,3], L = 3, P = 4, N = 2`);
    const rows = new Set(out.rows.map((x: { quantity: string; leg: string }) => `${x.quantity}/${x.leg}`));
    for (const row of [
      'traceH2/dense eigenvalues',
      'traceH2/dense matrix',
      'hessian/transpose',
      'hessian/central difference',
      'boundGradient.upper/central difference',
      'boundGradient.range/autodiff',
      'hessian/symbolic (nerdamer)',
      'rangeUpper/symbolic (nerdamer)',
      'hessian/symbolic (mathjs)',
      'boundGradient.lower/symbolic (mathjs)',
    ])
      expect(rows).toContain(row);
    for (const row of out.rows) expect(row.worstRelativeError).toBeLessThanOrEqual(row.tolerance);
    expect(out.notChecked.map((n: { property: string }) => n.property)).toEqual(['layered-symbolic-trace-gradients-equal-nerdamer']);
  });

  test('--layers 1,3 of a larger file: the block is named, the symbolic leg says why it does not run', () => {
    const r = runHsr(['audit', '--model', path('deep.json'), '--data', path('data.json'), '--layers', '1,3', '--reduction', 'sum']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`audit of ${path('deep.json')} on ${path('data.json')} [sum/hessian/layers 1,3], L = 3, P = 23, N = 4`);
    expect(r.stdout).toMatch(/not checked: layered-symbolic-traces-equal-mathjs: P = 23 exceeds the mathjs limit 18 at depth/);
    expect(r.stdout).toMatch(/all \d+ checks pass/);
  });

  test('--runs 1 --depth 4 audits generated four-layer cases and a tiny one for the symbolic leg', () => {
    const r = runHsr(['audit', '--runs', '1', '--depth', '4', '--seed', '5', '--symbolic-runs', '1', '--loss', 'mse']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit of 1 generated case of depth L = 4 (seed 5, loss mse), plus 1 tiny case for the symbolic leg');
    expect(r.stdout).toMatch(/symbolic \(mathjs\)/);
  });
});

describe('bad layered input exits 2 with one line', () => {
  test('a layer whose W does not fit the one before names the file and the field', () => {
    const r = runHsr(['audit', '--model', path('bad.json'), '--data', path('tiny.data.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^hsr: ${path('bad.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*layers\\[1\\]\\.W`));
  });

  // Each case is a child process that loads the computer-algebra engines: a few, not every flag
  // (--layers and --block are parsed by the code `hsr bound` shares, test/cli/boundLayered.test.ts).
  const flags: [string, string[], string][] = [
    ['--depth without --runs', ['--depth', '3'], 'hsr: --depth goes with --runs'],
    ['--depth below two', ['--runs', '1', '--depth', '1'], 'hsr: --depth'],
    ['--layers with --runs', ['--runs', '1', '--layers', '1'], 'hsr: --layers: not with --runs'],
    ['--block beyond two layers', ['--model', 'MODEL', '--data', 'DATA', '--block', 'second'], 'hsr: --block second: means a layer of a two-layer model; this model has 3 layers: use --layers 3'],
  ];
  for (const [what, args, message] of flags)
    test(what, () => {
      const r = runHsr(['audit', ...args.map((a) => (a === 'MODEL' ? path('tiny.json') : a === 'DATA' ? path('tiny.data.json') : a))]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.startsWith(message)).toBe(true);
    });
});
