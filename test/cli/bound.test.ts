/**
 * `hsr bound` end to end: the --json contract, the exact spectrum inside the bounds, the
 * variants, and one-line errors with exit code 2 for every kind of bad input.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { RTOL_VS_DENSE } from '@hsr/testkit';
import { runHsr } from './run.ts';

let dir: string;
const model = {
  activation: 'tanh',
  W: [
    [0.5, -0.3],
    [0.2, 0.8],
    [-0.6, 0.1],
  ],
  b: [0.1, -0.2, 0.05],
  V: [
    [0.3, -0.5, 0.2],
    [-0.4, 0.6, 0.1],
  ],
  a: [0.05, -0.05],
};
const data = {
  X: [
    [1, 0.5],
    [-0.3, 2],
    [0.7, -1.2],
    [0, 0.4],
  ],
  y: [0, 1, 1, 0],
};

function write(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hsr-bound-'));
  write('model.json', JSON.stringify(model));
  write('data.json', JSON.stringify(data));
});

describe('hsr bound --json', () => {
  test('prints exactly the contract object, with exact values inside the bounds', () => {
    const r = runHsr(['bound', '--model', join(dir, 'model.json'), '--data', join(dir, 'data.json'), '--exact', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['bounds', 'data', 'exact', 'loss', 'mean', 'model', 'parameters', 'samples', 'spread', 'traceH', 'traceH2', 'variant']);
    expect(Object.keys(out.bounds).sort()).toEqual(['lambdaMaxLower', 'lambdaMaxUpper', 'lambdaMinLower', 'lambdaMinUpper', 'rangeUpper']);
    expect(Object.keys(out.exact).sort()).toEqual(['holds', 'lambdaMax', 'lambdaMin', 'margins', 'traceH', 'traceH2']);
    expect(out.variant).toEqual({ reduction: 'mean', block: 'all', curvature: 'hessian' });
    expect(out.model).toEqual({ file: join(dir, 'model.json'), format: 'json', storage: 'float64', widenedFromFloat32: false, activation: 'tanh', activationFrom: 'file', bundled: false });
    expect(out.data).toEqual({ file: join(dir, 'data.json'), bundled: false, samples: 4 });
    // Each margin is the bound minus the exact value it bounds, and every one holds.
    const range = out.exact.lambdaMax - out.exact.lambdaMin;
    expect(out.exact.margins).toEqual({
      lambdaMaxUpper: out.bounds.lambdaMaxUpper - out.exact.lambdaMax,
      lambdaMaxLower: out.bounds.lambdaMaxLower - out.exact.lambdaMax,
      lambdaMinUpper: out.bounds.lambdaMinUpper - out.exact.lambdaMin,
      lambdaMinLower: out.bounds.lambdaMinLower - out.exact.lambdaMin,
      rangeUpper: out.bounds.rangeUpper - range,
    });
    expect(Object.values(out.exact.holds)).toEqual([true, true, true, true, true]);
    expect(out.parameters).toBe(3 * 3 + 2 * 4);
    expect(out.samples).toBe(4);
    expect(out.traceH).toBeAllClose(out.exact.traceH, { rtol: RTOL_VS_DENSE });
    expect(out.traceH2).toBeAllClose(out.exact.traceH2, { rtol: RTOL_VS_DENSE });
    expect(out.bounds.lambdaMaxUpper).toBeGreaterThanOrEqual(out.exact.lambdaMax);
    expect(out.bounds.lambdaMaxLower).toBeLessThanOrEqual(out.exact.lambdaMax);
    expect(out.bounds.lambdaMinUpper).toBeGreaterThanOrEqual(out.exact.lambdaMin);
    expect(out.bounds.lambdaMinLower).toBeLessThanOrEqual(out.exact.lambdaMin);
    expect(out.bounds.rangeUpper).toBeGreaterThanOrEqual(out.exact.lambdaMax - out.exact.lambdaMin);
  });

  test('without --exact there is no exact field; sum multiplies T1 by N and the bounds by N', () => {
    const args = ['bound', '--model', join(dir, 'model.json'), '--data', join(dir, 'data.json'), '--json'];
    const mean = JSON.parse(runHsr(args).stdout);
    const sum = JSON.parse(runHsr([...args, '--reduction', 'sum']).stdout);
    expect(mean.exact).toBeUndefined();
    expect(sum.traceH).toBeAllClose(4 * mean.traceH, { rtol: RTOL_VS_DENSE });
    expect(sum.traceH2).toBeAllClose(16 * mean.traceH2, { rtol: RTOL_VS_DENSE });
    expect(sum.bounds.lambdaMaxUpper).toBeAllClose(4 * mean.bounds.lambdaMaxUpper, { rtol: RTOL_VS_DENSE });
  });

  test('blocks count their own parameters', () => {
    const base = ['bound', '--model', join(dir, 'model.json'), '--data', join(dir, 'data.json'), '--json'];
    expect(JSON.parse(runHsr([...base, '--block', 'first']).stdout).parameters).toBe(9);
    expect(JSON.parse(runHsr([...base, '--block', 'second']).stdout).parameters).toBe(8);
  });

  test('the bundled default case prints where it came from, and with --exact a row per exact eigenvalue and each margin', () => {
    const r = runHsr(['bound', '--exact']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model: {3}bundled Iris 4-8-3 tanh network/m);
    expect(r.stdout).toMatch(/^variant: the Hessian of the mean loss over all parameters \(--reduction mean --block all --curvature hessian\)$/m);
    expect(r.stdout).toMatch(/P = 67 parameters, N = 150 samples/);
    for (const exact of ['lambda_max', 'lambda_min', 'range lambda_max - lambda_min']) expect(r.stdout).toMatch(new RegExp(`^${exact} +-?[0-9.]+$`, 'm'));
    // An upper bound's margin is >= 0, a lower bound's <= 0, each followed by whether it holds.
    expect(r.stdout).toMatch(/^ {2}lambda_max upper +[0-9.]+ +\+[0-9.e-]+ +yes \(>= 0\)$/m);
    expect(r.stdout).toMatch(/^ {2}lambda_min lower +-[0-9.]+ +-[0-9.e-]+ +yes \(<= 0\)$/m);
    const plain = runHsr(['bound']);
    expect(plain.stdout).not.toMatch(/bound - exact/);
    expect(plain.stdout).toMatch(/^lambda_max upper +[0-9.]+$/m);
  });

  test('the variant is stated in text and JSON', () => {
    const args = ['bound', '--model', join(dir, 'model.json'), '--data', join(dir, 'data.json'), '--block', 'second', '--curvature', 'gauss-newton', '--reduction', 'sum'];
    expect(runHsr(args).stdout).toContain(`variant: the Gauss-Newton matrix J^T S J of the sum loss over the second layer (V, a) (--reduction sum --block second --curvature gauss-newton)`);
    expect(JSON.parse(runHsr([...args, '--json']).stdout).variant).toEqual({ reduction: 'sum', block: 'second', curvature: 'gauss-newton' });
  });
});

describe('bad input: one line naming the file and place, exit code 2, nothing on stdout', () => {
  const cases: [string, string, string, RegExp][] = [
    ['malformed model JSON', 'model', '{"activation": "tanh", "W": [[1, 2]', /bad-model\.json: line 1, column \d+: /],
    ['unknown activation', 'model', JSON.stringify({ ...model, activation: 'relu6' }), /bad-model\.json.*activation.*relu6/],
    ['ragged W', 'model', JSON.stringify({ ...model, W: [[1, 2], [3]] }), /bad-model\.json.*W\[1\]/],
    [
      'V does not match h',
      'model',
      JSON.stringify({
        ...model,
        V: [
          [1, 2],
          [3, 4],
        ],
      }),
      /bad-model\.json.*V\[0\]/,
    ],
    ['NaN in W', 'model', '{"activation":"tanh","W":[[NaN,1],[1,1],[1,1]],"b":[0,0,0],"V":[[1,1,1],[1,1,1]],"a":[0,0]}', /bad-model\.json/],
    [
      'Infinity in V',
      'model',
      JSON.stringify({
        ...model,
        V: [
          [1, 2, 3],
          [4, 5, '1e999'],
        ],
      }),
      /bad-model\.json.*V\[1\]\[2\]/,
    ],
    ['only one bias', 'model', JSON.stringify({ activation: 'tanh', W: model.W, b: model.b, V: model.V }), /bad-model\.json.*\ba\b/],
    ['malformed data JSON', 'data', '{"X": [[1, 2]], "y": [0', /bad-data\.json: line 1, column \d+: /],
    ['label out of range', 'data', JSON.stringify({ X: data.X, y: [0, 1, 2, 0] }), /bad-data\.json.*y\[2\].*range/],
    ['non-integer label', 'data', JSON.stringify({ X: data.X, y: [0, 1, 0.5, 0] }), /bad-data\.json.*y\[2\]/],
    ['empty data', 'data', JSON.stringify({ X: [], y: [] }), /bad-data\.json.*(N = 0|empty|at least one)/i],
    ['wrong feature count', 'data', JSON.stringify({ X: [[1, 2, 3]], y: [0] }), /bad-data\.json.*(features|d = 2)/],
    ['ragged X', 'data', JSON.stringify({ X: [[1, 2], [3]], y: [0, 1] }), /bad-data\.json.*X\[1\]/],
  ];
  test.each(cases)('%s', (_name, which, content, message) => {
    const file = write(which === 'model' ? 'bad-model.json' : 'bad-data.json', content);
    const args = which === 'model' ? ['--model', file, '--data', join(dir, 'data.json')] : ['--model', join(dir, 'model.json'), '--data', file];
    const r = runHsr(['bound', ...args, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  test('CSV with a non-numeric cell names the row and column', () => {
    const file = write('bad.csv', 'f1,f2,label\n1,2,0\n3,abc,1\n');
    const r = runHsr(['bound', '--model', join(dir, 'model.json'), '--data', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv.*row.*f2|bad\.csv.*f2.*row/);
  });

  test('CSV without a label column', () => {
    const file = write('nolabel.csv', 'f1,f2\n1,2\n');
    const r = runHsr(['bound', '--model', join(dir, 'model.json'), '--data', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nolabel\.csv.*label/);
  });

  test('missing file', () => {
    const r = runHsr(['bound', '--model', join(dir, 'nope.json'), '--data', join(dir, 'data.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json/);
  });

  test('unknown variant flag value', () => {
    const r = runHsr(['bound', '--block', 'middle']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--block.*middle/);
  });

  test('bound writes no file: not in its working directory, not beside its inputs, not on an error', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hsr-bound-cwd-'));
    const listing = (d: string) => readdirSync(d).map((f) => `${f} ${statSync(join(d, f)).mtimeMs}`);
    const before = listing(dir);
    const inputs = ['--model', join(dir, 'model.json'), '--data', join(dir, 'data.json')];
    for (const args of [[...inputs, '--json'], [...inputs, '--exact'], ['--model', join(dir, 'nope.json'), '--data', join(dir, 'data.json')], []]) runHsr(['bound', ...args], { cwd });
    expect(readdirSync(cwd)).toEqual([]);
    expect(listing(dir)).toEqual(before);
  });
});
