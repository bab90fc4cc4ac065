/** The model file format (modelFile.ts), reading files (textFile.ts) and atomic writes (atomicWrite.ts). */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test as propTest } from '@fast-check/vitest';
import { createModel, initModel, type Model } from '@hsr/numeric';
import { describe, expect, test } from 'vitest';
import { checkModelData, formatModelJson, parseDataCsv, parseDataJson, parseModelJson, readDataDocument, readDataFile, readModelFile, writeFileAtomic, writeModelFile } from '../src/index.ts';
import { GOOD_DATA, GOOD_MODEL, inputError, modelText, scratch } from './support.ts';

describe('parseModelJson: accepted files', () => {
  test('the documented shape, with and without biases', () => {
    const model = parseModelJson(JSON.stringify(GOOD_MODEL), 'model.json');
    expect([model.inputDim, model.hiddenDim, model.classes, model.activation]).toEqual([2, 3, 2, 'tanh']);
    expect(Array.from(model.W)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(model.V)).toEqual([1, 0, -1, 0, 1, 0]);
    expect(Array.from(model.b!)).toEqual([0.1, 0.2, 0.3]);
    expect(Array.from(model.a!)).toEqual([0.5, -0.5]);
    const noBias = parseModelJson(JSON.stringify({ activation: 'gelu', W: GOOD_MODEL.W, V: GOOD_MODEL.V }), 'model.json');
    expect(noBias.b).toBeNull();
    expect(noBias.a).toBeNull();
    expect(parseModelJson(modelText({ b: null, a: null }), 'm.json').b).toBeNull();
  });

  test('a UTF-8 byte-order mark and the provenance fields are accepted', () => {
    const model = parseModelJson(`\ufeff${modelText({ source: 'trained by hand', about: { seed: 3 } })}`, 'model.json');
    expect(model.hiddenDim).toBe(3);
  });
});

describe('parseModelJson: every bad input names the file and the field in one line', () => {
  const cases: [string, string, string][] = [
    ['NaN literal', modelText({}).replace('[3,4]', '[3,NaN]'), 'model.json: W[1][1]: must be a finite number, got NaN'],
    ['Infinity literal', modelText({}).replace('[5,6]', '[Infinity,6]'), 'model.json: W[2][0]: must be a finite number, got Infinity'],
    ['-Infinity literal', modelText({}).replace('"a":[0.5,-0.5]', '"a":[0.5,-Infinity]'), 'model.json: a[1]: must be a finite number, got -Infinity'],
    [
      '"NaN" string',
      modelText({
        W: [
          [1, 2],
          [3, 4],
          [5, 'NaN'],
        ],
      }),
      'model.json: W[2][1]: must be a finite number, got "NaN"',
    ],
    [
      'null entry',
      modelText({
        V: [
          [1, 0, -1],
          [0, null, 0],
        ],
      }),
      'model.json: V[1][1]: must be a finite number, got null',
    ],
    ['boolean entry', modelText({ b: [0.1, true, 0.3] }), 'model.json: b[1]: must be a finite number, got true'],
    ['row not an array', modelText({ W: [[1, 2], 3, [5, 6]] }), 'model.json: W[1]: must be an array of numbers, got 3'],
    ['matrix not an array', modelText({ V: 'identity' }), 'model.json: V: must be an array of rows (arrays of numbers), got "identity"'],
    ['W missing', JSON.stringify({ activation: 'tanh', V: GOOD_MODEL.V }), 'model.json: W: is missing'],
    ['ragged W', modelText({ W: [[1, 2], [3], [5, 6]] }), 'model.json: W[1]: has 1 entry, expected d = 2 (the length of W[0]): rows must not be ragged'],
    ['no rows in W', modelText({ W: [] }), 'model.json: W: has no rows (expected h >= 1 rows of d numbers)'],
    ['empty first row of W', modelText({ W: [[], []] }), 'model.json: W[0]: is empty (expected d >= 1 numbers)'],
    ['b shorter than h', modelText({ b: [0.1, 0.2] }), 'model.json: b: has 2 entries, expected h = 3 (the number of rows of W)'],
    [
      'V row length != h',
      modelText({
        V: [
          [1, 0, -1],
          [0, 1],
        ],
      }),
      'model.json: V[1]: has 2 entries, expected h = 3 (the number of rows of W)',
    ],
    ['one class', modelText({ V: [[1, 0, -1]], a: [0.5] }), 'model.json: V: has 1 row, expected c >= 2 (one row per class)'],
    ['a longer than c', modelText({ a: [1, 2, 3] }), 'model.json: a: has 3 entries, expected c = 2 (the number of rows of V)'],
    ['b without a', JSON.stringify({ ...GOOD_MODEL, a: undefined }), 'model.json: a: is missing while b is given (biases are on for both layers or for neither)'],
    ['a without b', JSON.stringify({ ...GOOD_MODEL, b: undefined }), 'model.json: b: is missing while a is given (biases are on for both layers or for neither)'],
    ['unknown activation', modelText({ activation: 'relu' }), 'model.json: activation: unknown activation "relu" (expected one of sigmoid, tanh, softplus, silu, gelu)'],
    ['activation not a string', modelText({ activation: 3 }), 'model.json: activation: must be a string, got 3'],
    ['unknown loss', modelText({ loss: 'hinge' }), 'model.json: loss: unknown loss "hinge" (expected one of cross-entropy, mse, label-smoothing, binary-cross-entropy)'],
    ['loss not a string', modelText({ loss: 2 }), 'model.json: loss: must be a string (one of cross-entropy, mse, label-smoothing, binary-cross-entropy), got 2'],
    ['label smoothing out of (0, 1)', modelText({ loss: 'label-smoothing', labelSmoothing: 1.5 }), 'model.json: labelSmoothing: must be in (0, 1), got 1.5'],
    ['misspelt field', modelText({ bias: [1, 2, 3] }), 'model.json: bias: unknown field "bias" (expected activation, W, b, V, a, loss, labelSmoothing, source, about)'],
    [
      'typo close to a field',
      JSON.stringify({ activation: 'tanh', Wt: GOOD_MODEL.W, V: GOOD_MODEL.V }),
      'model.json: Wt: unknown field "Wt" (expected activation, W, b, V, a, loss, labelSmoothing, source, about); did you mean "W"?',
    ],
    [
      'wrong case',
      JSON.stringify({ Activation: 'tanh', W: GOOD_MODEL.W, V: GOOD_MODEL.V }),
      'model.json: Activation: unknown field "Activation" (expected activation, W, b, V, a, loss, labelSmoothing, source, about); did you mean "activation"?',
    ],
    ['top level not an object', '[[1, 2]]', 'model.json: expected a JSON object at the top level, got an array'],
    ['empty file', '  \n', 'model.json: empty file (expected a JSON object)'],
    ['syntax error, with line and column', '{"activation": "tanh",\n "W": [[1, 2]}', 'model.json: line 2, column 14: expected "," or "]" after an array element, got "}"'],
    ['CRLF lines count once', '{\r\n"W": x}', 'model.json: line 2, column 6: unexpected "x" (expected a value for "W")'],
    ['unterminated string points at its start', '{"activation": "tanh', 'model.json: line 1, column 16: unterminated string'],
    ['trailing comma', '{"activation": "tanh",}', 'model.json: line 1, column 23: trailing comma before "}"'],
    ['text after the value', `${modelText({})} x`, `model.json: line 1, column ${modelText({}).length + 2}: unexpected "x" after the end of the JSON value`],
    ['missing colon', '{"W" [[1]]}', 'model.json: line 1, column 6: expected ":" after the field name "W", got "["'],
  ];
  test.each(cases)('%s', (_name, text, message) => {
    const error = inputError(() => parseModelJson(text, 'model.json'));
    expect(error.message).toBe(message);
    expect(error.file).toBe('model.json');
    expect(error.message).not.toMatch(/[\r\n]/);
  });

  test('the location is structured: field path, or line and column', () => {
    expect(
      inputError(() =>
        parseModelJson(
          modelText({
            W: [
              [1, 2],
              [3, 4],
              [5, 'x'],
            ],
          }),
          'm.json',
        ),
      ).location,
    ).toEqual({ kind: 'field', field: 'W[2][1]' });
    expect(inputError(() => parseModelJson('{\n\n  "W": ]', 'm.json')).location).toEqual({ kind: 'position', line: 3, column: 8, offset: 10 });
    expect(inputError(() => parseModelJson('', 'm.json')).location).toBeNull();
  });
});

describe('reading files', () => {
  const model = parseModelJson(JSON.stringify(GOOD_MODEL), 'model.json');

  test('a missing file, a directory, and an unreadable path', () => {
    const missing = join(scratch, 'nope.json');
    expect(inputError(() => readModelFile(missing)).message).toBe(`${missing}: cannot read file: no such file or directory`);
    expect(inputError(() => readDataFile(scratch)).message).toBe(`${scratch}: cannot read file: is a directory, not a file`);
    const notDir = join(scratch, 'plain.txt');
    writeFileSync(notDir, 'x');
    expect(inputError(() => readDataFile(join(notDir, 'data.csv'))).message).toBe(`${notDir}/data.csv: cannot read file: a parent of this path is not a directory`);
  });

  test('format by extension, else by content', () => {
    const csvPath = join(scratch, 'd.csv');
    writeFileSync(csvPath, 'a,label\n1,0\n2,1\n');
    expect(readDataFile(csvPath).samples).toBe(2);
    const jsonNoExt = join(scratch, 'data-json');
    writeFileSync(jsonNoExt, `\n  ${JSON.stringify(GOOD_DATA)}`);
    expect(readDataFile(jsonNoExt).samples).toBe(4);
    const csvNoExt = join(scratch, 'data-csv');
    writeFileSync(csvNoExt, 'label,b\n1,2\n');
    expect(readDataDocument(csvNoExt).featureNames).toEqual(['b']);
    const forced = join(scratch, 'forced.txt');
    writeFileSync(forced, 'a,label\n1,0\n');
    expect(inputError(() => readDataFile(forced, { format: 'json' })).message).toMatch(/^.*forced\.txt: line 1, column 1: unexpected "a"/);
  });

  test('the file path is the file in messages', () => {
    const bad = join(scratch, 'bad-model.json');
    writeFileSync(
      bad,
      modelText({
        W: [
          [1, 2],
          [3, 4],
          [5, 'NaN'],
        ],
      }),
    );
    const error = inputError(() => readModelFile(bad));
    expect(error.message).toBe(`${bad}: W[2][1]: must be a finite number, got "NaN"`);
    expect(error.file).toBe(bad);
  });

  test('checkModelData names the data file: feature count', () => {
    const data = parseDataJson(JSON.stringify({ X: [[1, 2, 3]], y: [0] }), 'data.json');
    expect(inputError(() => checkModelData(model, 'model.json', data, 'data.json')).message).toBe('data.json: X[0]: has 3 features per sample, but model.json expects d = 2 (the number of columns of W)');
    const csv = parseDataCsv('a,b,c,label\n1,2,3,0\n', 'data.csv');
    expect(inputError(() => checkModelData(model, 'model.json', csv, 'data.csv')).message).toBe('data.csv: row 1: has 3 feature columns ("a", "b", "c"), but model.json expects d = 2 (the number of columns of W)');
  });

  test('checkModelData names the data file: label range, as y[n] for JSON and as the cell for CSV', () => {
    const json = parseDataJson(
      JSON.stringify({
        X: [
          [1, 2],
          [1, 2],
          [1, 2],
          [1, 2],
        ],
        y: [0, 1, 1, 5],
      }),
      'data.json',
    );
    expect(inputError(() => checkModelData(model, 'model.json', json, 'data.json')).message).toBe('data.json: y[3]: label 5 is out of range 0..1 (model.json has c = 2 classes)');
    const csv = parseDataCsv('a,b,label\n1,2,0\n\n3,4,2\n', 'data.csv');
    const error = inputError(() => checkModelData(model, 'model.json', csv, 'data.csv'));
    expect(error.message).toBe('data.csv: row 4, column "label": label 2 is out of range 0..1 (model.json has c = 2 classes)');
    expect(() => checkModelData(model, 'model.json', parseDataJson(JSON.stringify({ X: [[1, 2]], y: [1] }), 'd.json'), 'd.json')).not.toThrow();
  });
});

describe('writeModelFile', () => {
  const sameModel = (actual: Model, expected: Model) => {
    expect(actual.activation).toBe(expected.activation);
    expect([actual.inputDim, actual.hiddenDim, actual.classes]).toEqual([expected.inputDim, expected.hiddenDim, expected.classes]);
    // Bit-for-bit: shortest round-trip decimals read back as the same doubles.
    expect(Array.from(actual.W)).toEqual(Array.from(expected.W));
    expect(Array.from(actual.V)).toEqual(Array.from(expected.V));
    expect(actual.b === null ? null : Array.from(actual.b)).toEqual(expected.b === null ? null : Array.from(expected.b));
    expect(actual.a === null ? null : Array.from(actual.a)).toEqual(expected.a === null ? null : Array.from(expected.a));
  };

  test('round trip with and without biases, and the file is plain model-file JSON', () => {
    for (const bias of [true, false]) {
      const model = initModel({ activation: 'silu', inputDim: 5, hiddenDim: 7, classes: 3, bias, seed: 11 });
      const path = join(scratch, `round-trip-${bias}.json`);
      writeModelFile(path, model, { source: 'initModel seed 11', about: { bias } });
      sameModel(readModelFile(path), model);
      const plain = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(plain)).toEqual(bias ? ['activation', 'W', 'b', 'V', 'a', 'source', 'about'] : ['activation', 'W', 'V', 'source', 'about']);
    }
  });

  test('a model trained with another loss writes it, and reads back with it', () => {
    const model = initModel({ activation: 'tanh', inputDim: 2, hiddenDim: 3, classes: 2, bias: true, seed: 4, loss: 'label-smoothing', labelSmoothing: 0.05 });
    const path = join(scratch, 'loss.json');
    writeModelFile(path, model);
    const back = readModelFile(path);
    sameModel(back, model);
    expect([back.loss, back.labelSmoothing]).toEqual(['label-smoothing', 0.05]);
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')) as object)).toEqual(['activation', 'loss', 'labelSmoothing', 'W', 'b', 'V', 'a']);
  });

  propTest.prop([fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 4 }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 40, maxLength: 40 })], {
    numRuns: 100,
  })('round trip is exact for any finite doubles (extremes and subnormals included)', (d, h, c, pool) => {
    const take = (k: number) => Array.from({ length: k }, (_, i) => pool[i % pool.length]! + 0);
    const rows = (r: number, cols: number, offset: number) => Array.from({ length: r }, (_, i) => take(offset + (i + 1) * cols).slice(offset + i * cols));
    const model = createModel({ activation: 'sigmoid', W: rows(h, d, 0), b: take(h), V: rows(c, h, 3), a: take(c) });
    sameModel(parseModelJson(formatModelJson(model), 'm.json'), model);
  });

  test('atomic: no temporary file is left, and an existing file is replaced whole', () => {
    const dir = join(scratch, 'atomic');
    mkdirSync(dir);
    const path = join(dir, 'model.json');
    writeFileSync(path, 'old contents');
    const model = initModel({ activation: 'tanh', inputDim: 3, hiddenDim: 4, classes: 2, bias: true, seed: 1 });
    writeModelFile(path, model);
    expect(readdirSync(dir)).toEqual(['model.json']);
    sameModel(readModelFile(path), model);
  });

  test('a failed write leaves the old file untouched and no temporary file behind', () => {
    const dir = join(scratch, 'blocked');
    mkdirSync(join(dir, 'model.json'), { recursive: true }); // the target is a directory: rename must fail
    writeFileSync(join(dir, 'model.json', 'keep'), 'kept');
    const error = inputError(() => writeFileAtomic(join(dir, 'model.json'), 'new'));
    expect(error.message).toMatch(/model\.json: cannot write file: /);
    expect(readdirSync(dir)).toEqual(['model.json']);
    expect(readFileSync(join(dir, 'model.json', 'keep'), 'utf8')).toBe('kept');
    const missingDir = join(scratch, 'no-such-dir', 'model.json');
    expect(inputError(() => writeFileAtomic(missingDir, 'x')).message).toBe(`${missingDir}: cannot write file: no such file or directory`);
  });
});
