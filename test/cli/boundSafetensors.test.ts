/**
 * `hsr bound` and `hsr grad` on models PyTorch wrote (safetensors, tools/golden/safetensors_models.py):
 * the same numbers as on the generator's JSON of the same weights, the float32 case stated in
 * the output, the activation from the file's metadata or --activation, and one-line refusals.
 */
import { describe, expect, test } from 'vitest';
import { runHsr } from './run.ts';

const DIR = 'packages/io/test/fixtures/pytorch';
const DATA = `${DIR}/data.json`;
/** Same float64 values through both readers, then the same code: agreement far inside 1e-15. */
const RTOL_SAME_INPUT = 1e-15;

const json = (args: string[]) => {
  const r = runHsr(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

/** Every number in a bound report, by path. */
function numbers(x: unknown, path = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof x === 'number') out[path] = x;
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) numbers(v, `${path}.${k}`, out);
  return out;
}

describe('hsr bound --model FILE.safetensors', () => {
  test.each([
    ['tanh-f64', [], 'float64'],
    ['silu-f32', [], 'float32'],
    ['gelu-f64-nobias-nometadata', ['--activation', 'gelu'], 'float64'],
  ])('%s: equals the JSON-model result to 1e-15', (name, extra, storage) => {
    const args = ['--data', DATA, '--exact', '--json'];
    const st = json(['bound', '--model', `${DIR}/${name}.safetensors`, ...extra, ...args]);
    const js = json(['bound', '--model', `${DIR}/${name}.model.json`, ...args]);
    const [a, b] = [numbers({ ...st, model: undefined, data: undefined }), numbers({ ...js, model: undefined, data: undefined })];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const k of Object.keys(a)) expect(a[k], k).toBeAllClose(b[k]!, { rtol: RTOL_SAME_INPUT });
    expect(st.model).toMatchObject({ format: 'safetensors', storage, widenedFromFloat32: storage === 'float32', activationFrom: extra.length ? 'option' : 'file' });
    expect(js.model).toMatchObject({ format: 'json', storage: 'float64', widenedFromFloat32: false });
  });

  test('the float32 case is stated in the text output', () => {
    const r = runHsr(['bound', '--model', `${DIR}/silu-f32.safetensors`, '--data', DATA]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`model:   ${DIR}/silu-f32.safetensors (safetensors, float32 weights widened to float64; activation silu from the file's __metadata__)`);
  });

  test('hsr grad reads it too, and gives the JSON model gradient', () => {
    const st = json(['grad', '--model', `${DIR}/tanh-f64.safetensors`, '--data', DATA, '--json']);
    const js = json(['grad', '--model', `${DIR}/tanh-f64.model.json`, '--data', DATA, '--json']);
    expect(st.gradient.W.flat()).toBeAllClose(js.gradient.W.flat(), { rtol: RTOL_SAME_INPUT });
    expect(st.gradient.a).toBeAllClose(js.gradient.a, { rtol: RTOL_SAME_INPUT });
    expect(st.model.tensors).toEqual({ '0.weight': 'W', '0.bias': 'b', '2.weight': 'V', '2.bias': 'a' });
  });

  test('no activation in the file and no --activation, or a contradicting one: one line, exit 2', () => {
    const missing = runHsr(['bound', '--model', `${DIR}/gelu-f64-nobias-nometadata.safetensors`, '--data', DATA]);
    expect([missing.code, missing.stdout]).toEqual([2, '']);
    expect(missing.stderr).toBe(
      `hsr: ${DIR}/gelu-f64-nobias-nometadata.safetensors: __metadata__.activation: is missing: the weights do not say which activation sits between the layers; give --activation (one of sigmoid, tanh, softplus, silu, gelu)\n`,
    );
    const conflict = runHsr(['bound', '--model', `${DIR}/tanh-f64.safetensors`, '--data', DATA, '--activation', 'gelu']);
    expect([conflict.code, conflict.stderr]).toEqual([2, `hsr: ${DIR}/tanh-f64.safetensors: __metadata__.activation: is "tanh", but --activation says "gelu"\n`]);
  });
});
