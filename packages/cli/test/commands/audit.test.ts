/**
 * `hsr audit` end to end in a child process: the bundled default passes and is named; a file
 * with saturated units and c = 4 is audited as exactly that case; --json is one object with
 * the table; bad input exits 2 with one line. Runs `registerAudit` through a minimal program
 * (so the test does not depend on main.ts wiring); the same command is `pnpm hsr audit`.
 * The bundled Iris default takes ~15 s (the third-order autodiff legs at P = 67, N = 150,
 * one set of passes shared by the trace and all three bound gradients); its --write-docs
 * determinism check (two more audits) is in audit.slow.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { forwardPass, createModel, createDataset } from '@hsr/numeric';
import { runAudit } from './runAudit.ts';

let dir: string;
// c = 4 classes, h = 3 hidden units of which two are saturated (|u| >> 1 for every sample).
const saturatedModel = {
  activation: 'tanh',
  W: [
    [9, -8],
    [0.3, -0.4],
    [-7, 10],
  ],
  b: [4, 0.1, -5],
  V: [
    [0.5, -0.3, 0.2],
    [-0.4, 0.6, 0.1],
    [0.2, 0.2, -0.7],
    [0.1, -0.5, 0.4],
  ],
  a: [0.1, 0, -0.1, 0.05],
};
const data = {
  X: [
    [1, 0.5],
    [-0.3, 2],
    [0.7, -1.2],
    [1.5, 0.4],
    [-1, -1],
  ],
  y: [0, 1, 2, 3, 1],
};

// d = h = 1, c = 2, no biases: P = 3, small enough for both symbolic engines to third order.
const tinyModel = { activation: 'sigmoid', W: [[0.8]], V: [[1.1], [-0.6]] };
const tinyData = { X: [[0.5], [-1.3]], y: [0, 1] };
// Three linear layers of width 1, c = 2, no biases: P = 4.
const tinyLayered = { activation: 'tanh', layers: [{ W: [[0.8]] }, { W: [[-1.1]] }, { W: [[0.9], [-0.6]] }] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hsr-audit-'));
  writeFileSync(join(dir, 'saturated.model.json'), JSON.stringify(saturatedModel));
  writeFileSync(join(dir, 'data.json'), JSON.stringify(data));
  writeFileSync(join(dir, 'tiny.model.json'), JSON.stringify(tinyModel));
  writeFileSync(join(dir, 'tiny.data.json'), JSON.stringify(tinyData));
  writeFileSync(join(dir, 'tiny.layered.json'), JSON.stringify(tinyLayered));
  writeFileSync(join(dir, 'bad.model.json'), '{"activation": "tanh", "W": [[1, 2], [3]], "V": [[1, 2]]}');
});

describe('hsr audit', () => {
  test('the bundled default passes and is named', { timeout: 300_000 }, () => {
    const r = runAudit([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit of bundled Iris 4-8-3 tanh network');
    expect(r.stdout).toContain('P = 67, N = 150');
    for (const leg of ['dense eigenvalues', 'central difference', 'autodiff']) expect(r.stdout).toContain(leg);
    expect(r.stdout).toContain('not checked: traces-equal-nerdamer: P = 67 exceeds the nerdamer limit');
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toMatch(/all \d+ checks pass/);
  });

  test('the test model really has saturated units and c = 4', () => {
    const m = createModel(saturatedModel);
    const fp = forwardPass(m, createDataset(data.X, data.y, 4));
    expect(m.classes).toBe(4);
    const minAbsU = (i: number) => Math.min(...Array.from({ length: 5 }, (_, n) => Math.abs(fp.u[n * 3 + i]!)));
    expect(minAbsU(0)).toBeGreaterThan(2.5);
    expect(minAbsU(2)).toBeGreaterThan(2.5);
  });

  test('audits exactly the given case (saturated units, c = 4), names it and passes', () => {
    const model = join(dir, 'saturated.model.json');
    const r = runAudit(['--model', model, '--data', join(dir, 'data.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`audit of ${model} on ${join(dir, 'data.json')}`);
    expect(r.stdout).toContain('P = 25, N = 5');
    for (const leg of ['dense eigenvalues', 'dense matrix', 'transpose', 'central difference']) expect(r.stdout).toContain(leg);
    expect(r.stdout).toMatch(/all \d+ checks pass/);
  });

  test('--json is one object with the quantity x leg table', () => {
    const r = runAudit(['--model', join(dir, 'saturated.model.json'), '--data', join(dir, 'data.json'), '--block', 'first', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pass).toBe(true);
    expect(out.case).toContain('[mean/first/hessian]');
    expect(out.rows.length).toBeGreaterThan(10);
    for (const row of out.rows) {
      expect(Object.keys(row).sort()).toEqual(['leg', 'pass', 'quantity', 'tolerance', 'worstRelativeError']);
      expect(row.worstRelativeError).toBeLessThanOrEqual(row.tolerance);
    }
    const quantities = new Set(out.rows.map((x: { quantity: string }) => x.quantity));
    for (const q of ['traceH', 'traceH2', 'lambdaMaxUpper', 'rangeUpper', 'hessian', 'lossGradient', 'gradTraceH', 'gradTraceH2']) expect(quantities).toContain(q);
  });

  test('a network small enough is also checked by both symbolic engines', () => {
    const r = runAudit(['--model', join(dir, 'tiny.model.json'), '--data', join(dir, 'tiny.data.json'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pass).toBe(true);
    const rows = new Set(out.rows.map((x: { quantity: string; leg: string }) => `${x.quantity}/${x.leg}`));
    for (const engine of ['nerdamer', 'mathjs'])
      for (const q of ['hessian', 'traceH', 'traceH2', 'rangeUpper', 'gradTraceH2', 'boundGradient.upper', 'boundGradient.lower', 'boundGradient.range']) expect(rows).toContain(`${q}/symbolic (${engine})`);
    expect(out.notChecked).toEqual([]);
  });

  test('the saturated c = 4 case says why the symbolic leg did not run', () => {
    const r = runAudit(['--model', join(dir, 'saturated.model.json'), '--data', join(dir, 'data.json')]);
    expect(r.stdout).toMatch(/not checked: traces-equal-nerdamer: P = 25 exceeds the nerdamer limit/);
  });

  test('--runs adds tiny cases for the symbolic leg', () => {
    const r = runAudit(['--runs', '1', '--seed', '3', '--symbolic-runs', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit of 1 generated case (seed 3), plus 1 tiny case for the symbolic leg');
    expect(r.stdout).toMatch(/symbolic \((nerdamer|mathjs)\)/);
  });

  test('bad input exits 2 with one line naming the file', () => {
    const bad = join(dir, 'bad.model.json');
    const r = runAudit(['--model', bad, '--data', join(dir, 'data.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(bad);
  });

  test('bad flags exit 2', () => {
    expect(runAudit(['--runs', 'many']).code).toBe(2);
    expect(runAudit(['--symbolic-runs', '3']).code).toBe(2);
    expect(runAudit(['--runs', '1', '--symbolic-runs', '-1']).code).toBe(2);
    expect(runAudit(['--model', join(dir, 'saturated.model.json')]).code).toBe(2);
  });

  test('a planted deep mutant makes the audit of a layered model exit 1, naming the failing rows', () => {
    const args = ['--model', join(dir, 'tiny.layered.json'), '--data', join(dir, 'tiny.data.json')];
    const r = runAudit(args, { layeredMutant: 'deep T2 without the cross-layer pair terms' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/traceH2\s+dense matrix\s+\S+\s+1e-10\s+FAIL/);
    expect(r.stdout).toMatch(/traceH2\s+symbolic \(mathjs\)\s+\S+\s+1e-10\s+FAIL/);
    expect(r.stdout).toMatch(/failure: layered-closed-form-traces-equal-dense-traces on /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hsr: audit failed: /);
  });
});
