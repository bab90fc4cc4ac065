/** The data file formats, JSON and CSV (dataFile.ts, csv.ts, json.ts). */
import { describe, expect, test } from 'vitest';
import { parseDataCsv, parseDataJson, parseDataText } from '../src/index.ts';
import { GOOD_DATA, inputError } from './support.ts';

const dataText = (patch: Record<string, unknown>) => JSON.stringify({ ...GOOD_DATA, ...patch });

describe('parseDataJson', () => {
  test('the documented shape', () => {
    const data = parseDataJson(JSON.stringify(GOOD_DATA), 'data.json');
    expect([data.samples, data.features]).toEqual([4, 2]);
    expect(Array.from(data.X)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(data.y)).toEqual([0, 1, 2, 1]);
  });

  test('names, source and notes come back with the document', () => {
    const doc = parseDataText(dataText({ name: 'toy', featureNames: ['u', 'v'], classNames: ['p', 'q', 'r'], source: 'hand', about: { licence: 'CC0' } }), 'toy.json');
    expect(doc.name).toBe('toy');
    expect(doc.featureNames).toEqual(['u', 'v']);
    expect(doc.classNames).toEqual(['p', 'q', 'r']);
    expect(doc.source).toBe('hand');
    expect(doc.about).toEqual({ licence: 'CC0' });
  });

  const cases: [string, string, string][] = [
    ['N = 0', dataText({ X: [], y: [] }), 'data.json: X: has no samples (N = 0)'],
    ['no features', dataText({ X: [[], [], [], []] }), 'data.json: X[0]: is empty (expected d >= 1 features)'],
    ['ragged X', dataText({ X: [[1, 2], [3, 4], [5], [7, 8]] }), 'data.json: X[2]: has 1 entry, expected d = 2 (the length of X[0]): rows must not be ragged'],
    ['NaN literal in X', dataText({}).replace('[5,6]', '[NaN,6]'), 'data.json: X[2][0]: must be a finite number, got NaN'],
    [
      '"Infinity" string in X',
      dataText({
        X: [
          [1, 2],
          [3, 'Infinity'],
          [5, 6],
          [7, 8],
        ],
      }),
      'data.json: X[1][1]: must be a finite number, got "Infinity"',
    ],
    [
      'null in X',
      dataText({
        X: [
          [1, 2],
          [3, 4],
          [5, 6],
          [null, 8],
        ],
      }),
      'data.json: X[3][0]: must be a finite number, got null',
    ],
    ['fewer labels than rows', dataText({ y: [0, 1, 2] }), 'data.json: y: has 3 labels for 4 samples (the rows of X)'],
    ['non-integer label', dataText({ y: [0, 1, 2, 1.5] }), 'data.json: y[3]: must be an integer class index, got 1.5'],
    ['negative label', dataText({ y: [0, -1, 2, 1] }), 'data.json: y[1]: label -1 is negative (labels are class indices 0..c-1)'],
    ['string label', dataText({ y: [0, '1', 2, 1] }), 'data.json: y[1]: must be an integer class index, got "1"'],
    ['NaN label', dataText({}).replace('"y":[0,1,2,1]', '"y":[0,1,NaN,1]'), 'data.json: y[2]: must be an integer class index, got NaN'],
    ['label beyond classNames', dataText({ classNames: ['a', 'b'] }), 'data.json: y[2]: label 2 is out of range 0..1 (classNames has 2 entries)'],
    // An Int32Array would make 2^32 class 0, 2^32 + 1 class 1 and 2^31 class -2^31: each is refused as a number.
    ['label 2^32', dataText({ y: [0, 1, 4294967296, 1] }), 'data.json: y[2]: label 4294967296 is too large (class indices go up to 65535)'],
    ['label 2^32 + 1', dataText({ y: [0, 1, 4294967297, 1] }), 'data.json: y[2]: label 4294967297 is too large (class indices go up to 65535)'],
    ['label 2^31', dataText({ y: [2147483648, 1, 2, 1] }), 'data.json: y[0]: label 2147483648 is too large (class indices go up to 65535)'],
    ['label 1e300', dataText({ y: [0, 1, 1e300, 1] }), 'data.json: y[2]: label 1e+300 is too large (class indices go up to 65535)'],
    ['label just past the limit', dataText({ y: [0, 1, 65536, 1] }), 'data.json: y[2]: label 65536 is too large (class indices go up to 65535)'],
    ['featureNames of the wrong length', dataText({ featureNames: ['u'] }), 'data.json: featureNames: has 1 names for d = 2 features (the length of X[0])'],
    ['unknown field', dataText({ labels: [0, 1, 2, 1] }), 'data.json: labels: unknown field "labels" (expected X, y, name, featureNames, classNames, source, about)'],
    ['typo close to a field', JSON.stringify({ X: GOOD_DATA.X, Y: GOOD_DATA.y }), 'data.json: Y: unknown field "Y" (expected X, y, name, featureNames, classNames, source, about); did you mean "y"?'],
    ['y missing', JSON.stringify({ X: GOOD_DATA.X }), 'data.json: y: is missing'],
    ['malformed JSON', '{"X": [[1, 2],\n      [3, 4]\n "y": [0, 1]}', 'data.json: line 3, column 2: expected "," or "]" after an array element, got "\\""'],
  ];
  test.each(cases)('%s', (_name, text, message) => {
    const error = inputError(() => parseDataJson(text, 'data.json'));
    expect(error.message).toBe(message);
    expect(error.message).not.toMatch(/[\r\n]/);
  });
});

describe('parseDataCsv', () => {
  test('header, label column in any position, quoted fields, CRLF and trailing blank lines', () => {
    const text = 'sepal length,"label","petal ""width"""\r\n5.1,0,0.2\r\n"4.9", 2 ,"1e-1"\r\n-3,1,+.5\r\n\r\n\r\n';
    const doc = parseDataText(text, 'iris.csv');
    expect(doc.featureNames).toEqual(['sepal length', 'petal "width"']);
    expect([doc.data.samples, doc.data.features]).toEqual([3, 2]);
    expect(Array.from(doc.data.X)).toEqual([5.1, 0.2, 4.9, 0.1, -3, 0.5]);
    expect(Array.from(doc.data.y)).toEqual([0, 2, 1]);
  });

  test('label first, LF and old-Mac CR line ends, quoted field with a comma and a line break', () => {
    const crlf = parseDataCsv('label,a\n1,2\n0,3', 'x.csv');
    const cr = parseDataCsv('label,a\r1,2\r0,3\r', 'x.csv');
    expect(Array.from(cr.X)).toEqual(Array.from(crlf.X));
    expect(Array.from(cr.y)).toEqual([1, 0]);
    const doc = parseDataText('"a,\nb",label\n1,0\n2,1\n', 'x.csv');
    expect(doc.featureNames).toEqual(['a,\nb']);
    expect(doc.data.samples).toBe(2);
  });

  test('a custom label column', () => {
    expect(Array.from(parseDataCsv('x,target\n1,1\n', 'x.csv', { labelColumn: 'target' }).y)).toEqual([1]);
  });

  const cases: [string, string, string][] = [
    ['empty file', '', 'data.csv: empty file (expected a header row with a "label" column, then one row per sample)'],
    ['blank lines only', '\r\n\n  \n', 'data.csv: empty file (expected a header row with a "label" column, then one row per sample)'],
    ['no header', '1.0,2.0,0\n3.0,4.0,1\n', 'data.csv: row 1: no header row: the first row is all numbers (expected column names, one of them "label")'],
    ['no label column', 'a,b,class\n1,2,0\n', 'data.csv: row 1: no "label" column in the header (columns: "a", "b", "class")'],
    ['label column in the wrong case', 'a,Label\n1,0\n', 'data.csv: row 1: no "label" column in the header (columns: "a", "Label"); did you mean "Label"?'],
    ['semicolon-separated', 'a;b;label\n1;2;0\n', 'data.csv: row 1: no "label" column in the header (columns: "a;b;label"); only comma-separated files are supported'],
    ['label only', 'label\n0\n', 'data.csv: row 1: no feature columns (only "label")'],
    ['duplicate column', 'a,label,a\n1,0,2\n', 'data.csv: row 1: column name "a" appears twice (columns 1 and 3)'],
    ['header only (N = 0)', 'a,label\n\n', 'data.csv: no data rows after the header (N = 0)'],
    ['too few fields', 'a,b,label\n1,2,0\n3,1\n', 'data.csv: row 3: has 2 fields, expected 3 (as in the header)'],
    ['too many fields', 'a,b,label\n1,2,0,9\n', 'data.csv: row 2: has 4 fields, expected 3 (as in the header)'],
    ['not a number', `sepal_length,sepal_width,label\n${'1,2,0\n'.repeat(5)}5.1,abc,1\n`, 'data.csv: row 7, column "sepal_width": not a number: "abc"'],
    ['NaN cell', 'a,label\nNaN,0\n', 'data.csv: row 2, column "a": not a finite number: "NaN"'],
    ['inf cell', 'a,label\n-inf,0\n', 'data.csv: row 2, column "a": not a finite number: "-inf"'],
    ['overflow', 'a,label\n1e400,0\n', 'data.csv: row 2, column "a": not a finite number: "1e400" (overflows float64)'],
    ['hex is not decimal', 'a,label\n0x10,0\n', 'data.csv: row 2, column "a": not a number: "0x10"'],
    ['empty cell', 'a,b,label\n1,,0\n', 'data.csv: row 2, column "b": empty field (missing values are not supported)'],
    ['non-integer label', 'a,label\n1,0.5\n', 'data.csv: row 2, column "label": not an integer class index: "0.5"'],
    ['label text', 'a,label\n1,setosa\n', 'data.csv: row 2, column "label": not an integer class index: "setosa"'],
    ['negative label', 'a,label\n1,0\n2,-2\n', 'data.csv: row 3, column "label": label -2 is negative (labels are class indices 0..c-1)'],
    ['label 2^32', 'a,label\n1,0\n2,4294967296\n', 'data.csv: row 3, column "label": label 4294967296 is too large (class indices go up to 65535)'],
    ['label 2^31 written with an exponent', 'a,label\n1,2.147483648e9\n', 'data.csv: row 2, column "label": label 2147483648 is too large (class indices go up to 65535)'],
    ['a NUL byte (binary data)', 'a,label\n1,0\n2\u0000,1\n', 'data.csv: line 3, column 2: a NUL byte: this is binary data, not a comma-separated text file'],
    ['a field longer than the limit', `a,label\n${'0'.repeat(2000)},1\n`, 'data.csv: row 2: field 1 is longer than 1024 characters (is this a comma-separated text file?)'],
    ['a header that is one long run of text', `${'x'.repeat(5000)}`, 'data.csv: row 1: field 1 is longer than 1024 characters (is this a comma-separated text file?)'],
    ['unterminated quote', 'a,label\n"1,0\n2,1\n', 'data.csv: row 2: unterminated quoted field (a " is never closed)'],
    ['text after a closing quote', 'a,label\n"1"x,0\n', 'data.csv: row 2: unexpected "x" after a closing quote (expected "," or the end of the row)'],
    ['stray quote', 'a,label\n1"2,0\n', 'data.csv: row 2: a " inside an unquoted field (quote the whole field and double the inner quotes)'],
    ['rows count file lines, blank lines included', 'a,label\n\n1,0\n\n2,x\n', 'data.csv: row 5, column "label": not an integer class index: "x"'],
  ];
  test.each(cases)('%s', (_name, text, message) => {
    const error = inputError(() => parseDataCsv(text, 'data.csv'));
    expect(error.message).toBe(message);
    expect(error.message).not.toMatch(/[\r\n]/);
  });

  test('the largest class index is accepted, and labels come out exactly', () => {
    const data = parseDataCsv('a,label\n1,65535\n2,0\n', 'd.csv');
    expect(Array.from(data.y)).toEqual([65535, 0]);
    expect(Array.from(parseDataJson(dataText({ y: [0, 65535, 2, 1] }), 'd.json').y)).toEqual([0, 65535, 2, 1]);
  });

  test('a long file is read row by row: rows, values and line numbers survive the growing buffers', () => {
    const rows = Array.from({ length: 5000 }, (_, n) => `${n},${n * 0.5},${n % 3}`);
    const data = parseDataCsv(`a,b,label\n${rows.join('\n')}\n`, 'd.csv');
    expect([data.samples, data.features]).toEqual([5000, 2]);
    expect([data.X[2 * 4999], data.X[2 * 4999 + 1], data.y[4999]]).toEqual([4999, 2499.5, 4999 % 3]);
    expect(inputError(() => parseDataCsv(`a,b,label\n${rows.join('\n')}\n1,2,x\n`, 'd.csv')).message).toBe('d.csv: row 5002, column "label": not an integer class index: "x"');
  });

  test('a CSV cell location is structured', () => {
    expect(inputError(() => parseDataCsv('a,label\n1,x\n', 'd.csv')).location).toEqual({ kind: 'cell', row: 2, column: 'label' });
  });
});
