import { runInProcess } from '../runInProcess.ts';
/** `hsr grad`: the JSON contract, equality with boundGradient, and flag errors (exit 2). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { DEFAULT_VARIANT, boundGradient, createModel, flattenParameters, type Model } from '@hsr/numeric';
import { readDataFile, readModelFile } from '@hsr/io';
import { registerGrad } from '../../src/commands/grad.ts';
import { DEFAULT_DATA_PATH, DEFAULT_MODEL_PATH } from '../../src/defaults.ts';

function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return runInProcess([registerGrad], ['grad', ...args]);
}

/** The theta-order vector of a JSON gradient, read back through the model-file shapes. */
function thetaOf(template: Model, g: { W: number[][]; b?: number[]; V: number[][]; a?: number[] }): Float64Array {
  return flattenParameters(createModel({ activation: template.activation, ...g }));
}

afterEach(() => {
  process.exitCode = 0;
});

describe('hsr grad', () => {
  it('--json prints {value, gradient: {W, b, V, a}} in the model shapes, equal to boundGradient', async () => {
    const r = await run(['--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['value', 'gradient', 'of', 'model', 'data', 'variant', 'loss']);
    expect([doc.of, doc.model.bundled, doc.model.format, doc.data.samples]).toEqual(['upper', true, 'json', 150]);
    expect(doc.variant).toEqual(DEFAULT_VARIANT);
    expect(Object.keys(doc.gradient)).toEqual(['W', 'b', 'V', 'a']);
    const model = readModelFile(DEFAULT_MODEL_PATH);
    const data = readDataFile(DEFAULT_DATA_PATH);
    expect(doc.gradient.W).toHaveLength(model.hiddenDim);
    expect(doc.gradient.W[0]).toHaveLength(model.inputDim);
    expect(doc.gradient.b).toHaveLength(model.hiddenDim);
    expect(doc.gradient.V).toHaveLength(model.classes);
    expect(doc.gradient.V[0]).toHaveLength(model.hiddenDim);
    expect(doc.gradient.a).toHaveLength(model.classes);
    const expected = boundGradient(model, data, DEFAULT_VARIANT, 'upper');
    expect(doc.value).toBeAllClose(expected.value, { rtol: RTOL_SAME_FORMULA });
    expect(thetaOf(model, doc.gradient)).toBeAllClose(expected.gradient, { rtol: RTOL_SAME_FORMULA });
  });

  it('omits b and a for a model without biases, and honours --of and the variant flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsr-grad-'));
    const modelPath = join(dir, 'model.json');
    const dataPath = join(dir, 'data.json');
    const model = {
      activation: 'sigmoid',
      W: [
        [0.3, -0.7],
        [1.1, 0.2],
        [-0.4, 0.9],
      ],
      V: [
        [0.5, -1, 0.25],
        [-0.3, 0.8, 1.2],
      ],
    };
    writeFileSync(modelPath, JSON.stringify(model));
    writeFileSync(
      dataPath,
      JSON.stringify({
        X: [
          [1, 0],
          [0, 1],
          [0.5, -0.5],
          [-1, 2],
        ],
        y: [0, 1, 1, 0],
      }),
    );
    const r = await run(['--model', modelPath, '--data', dataPath, '--of', 'range', '--block', 'first', '--reduction', 'sum', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc.gradient)).toEqual(['W', 'V']);
    const m = readModelFile(modelPath);
    const expected = boundGradient(m, readDataFile(dataPath), { reduction: 'sum', block: 'first', curvature: 'hessian' }, 'range');
    expect(doc.value).toBeAllClose(expected.value, { rtol: RTOL_SAME_FORMULA });
    expect(thetaOf(m, doc.gradient)).toBeAllClose(expected.gradient, { rtol: RTOL_SAME_FORMULA });
  });

  it('human output: the value and a table of per-block gradient norms', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/value: [0-9.]+/);
    expect(r.stdout).toMatch(/^W\s+8 x 4\s+[0-9.]+$/m);
    expect(r.stdout).toMatch(/^all\s+[0-9.]+$/m);
  });

  it('rejects a bad --of or a lone --model with exit 2 and one line on stderr', async () => {
    for (const args of [
      ['--of', 'middle'],
      ['--model', DEFAULT_MODEL_PATH],
      ['--block', 'third'],
    ]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
