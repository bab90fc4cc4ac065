/** The shard-partial file (partialFile.ts): a partial round-trips exactly, and every malformed field is one InputError naming it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededCase } from '@hsr/crosscheck/cases';
import { DEFAULT_VARIANT, tracePartial } from '@hsr/numeric';
import { describe, expect, test } from 'vitest';
import { formatPartial, parsePartialJson, readPartialFile, writePartialFile } from '../src/index.ts';
import { inputError, scratch } from './support.ts';

const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 4, classes: 3, samples: 40, seed: 8 }, { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } });
const partial = tracePartial(model, data, DEFAULT_VARIANT, 'gradients', { index: 2, count: 2 });
const provenance = { model: { file: 'net.json' }, data: { file: 'big.csv' } };

describe('partial files', () => {
  test('write then read gives back every field and number exactly, with the provenance', () => {
    const path = join(scratch, 'part-2.json');
    writePartialFile(path, partial, provenance);
    expect(readFileSync(path, 'utf8')).toBe(formatPartial(partial, provenance));
    const back = readPartialFile(path);
    expect(back).toEqual({ ...partial, provenance });
    expect(back.gradTraceH2).toEqual(partial.gradTraceH2);
  });

  const good = JSON.parse(formatPartial(partial, provenance)) as Record<string, unknown>;
  test.each<[string, Record<string, unknown>, string]>([
    ['another format', { ...good, format: 'safetensors' }, 'p.json: format: not an hsr partial'],
    ['a newer version', { ...good, version: 2 }, 'p.json: version: 2 is not supported (expected 1)'],
    ['an unknown kind', { ...good, kind: 'hessian' }, 'p.json: kind: expected "traces" or "gradients"'],
    ['a shard index above its count', { ...good, shard: { index: 3, count: 2 } }, 'p.json: shard: expected {"index": I, "count": K} with 1 <= I <= K'],
    ['rows that are not a range', { ...good, rows: [0] }, 'p.json: rows: expected [start, end], two integers'],
    ['a non-finite trace component', { ...good, traceH2: [1, null] }, 'p.json: traceH2: expected an array of finite numbers'],
    ['a zero kappa', { ...good, kappa: 0 }, 'p.json: kappa: expected a positive number'],
    ['no fingerprint', { ...good, problem: { ...(good.problem as object), fingerprint: 7 } }, 'p.json: problem: missing or malformed'],
    ['a gradient partial without its gradient', { ...good, gradTraceH: undefined }, 'p.json: gradTraceH: expected an array of finite numbers'],
  ])('refuses %s in one line naming the field', (_, doc, message) => {
    const error = inputError(() => parsePartialJson(JSON.stringify(doc), 'p.json'));
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  test('refuses text that is not JSON with its position', () => {
    expect(inputError(() => parsePartialJson('{"format": ', 'p.json')).message).toMatch(/^p\.json: line 1, column \d+: /);
  });
});
