/**
 * The hostile inputs of the error-contract suites, as data: odd files (each a setup that writes
 * what it needs into a scratch folder), flags with values that are wrong, and generators of
 * malformed JSON and CSV. Shared by the default slice and the slow one, which runs more of each.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { fc } from '@fast-check/vitest';
import { DATA, DATA_CSV, MODEL, type Scratch } from './contract.ts';

/** A file case: what to pass as the bad file, and what the one stderr line must name. */
export interface FileCase {
  readonly name: string;
  /** Writes the bad file (and anything else it needs); returns its path and the names the message must contain. */
  setup(scratch: Scratch): { path: string; names: (string | RegExp)[] };
}

const json = (value: unknown) => JSON.stringify(value, null, 1);
const modelWith = (patch: Record<string, unknown>) => json({ ...MODEL, ...patch });
const dataWith = (patch: Record<string, unknown>) => json({ ...DATA, ...patch });

function fileCase(name: string, fileName: string, content: string | Buffer, names: (string | RegExp)[]): FileCase {
  return { name, setup: (s) => ({ path: s.file(fileName, content), names }) };
}

/** Files that are odd as files, whatever they are read as. */
export const ODD_FILES: readonly FileCase[] = [
  { name: 'a missing file', setup: (s) => ({ path: s.path('missing.json'), names: ['cannot read file: no such file or directory'] }) },
  {
    name: 'a directory',
    setup: (s) => {
      mkdirSync(s.path('folder.json'));
      return { path: s.path('folder.json'), names: ['is a directory'] };
    },
  },
  {
    name: 'a FIFO (would block forever)',
    setup: (s) => {
      execFileSync('mkfifo', [s.path('pipe.json')]);
      return { path: s.path('pipe.json'), names: ['named pipe (FIFO)'] };
    },
  },
  { name: '/dev/zero (never ends)', setup: () => ({ path: '/dev/zero', names: ['is a device'] }) },
  { name: '/dev/null', setup: () => ({ path: '/dev/null', names: ['is a device'] }) },
  {
    name: 'a symbolic link to /dev/zero',
    setup: (s) => {
      symlinkSync('/dev/zero', s.path('zero.csv'));
      return { path: s.path('zero.csv'), names: ['is a device'] };
    },
  },
  {
    name: 'a 300 MB (sparse) file, above the size limit',
    setup: (s) => {
      const path = s.path('huge.json');
      const fd = openSync(path, 'w');
      ftruncateSync(fd, 300 * 2 ** 20);
      closeSync(fd);
      return { path, names: ['above the 256 MiB limit'] };
    },
  },
];

/** Model files that are wrong inside. */
export const BAD_MODELS: readonly FileCase[] = [
  fileCase('an empty model file', 'empty.json', '', ['empty file']),
  fileCase('whitespace and a BOM only', 'bom.json', '\uFEFF  \r\n', ['empty file']),
  fileCase('truncated JSON', 'cut.json', modelWith({}).slice(0, 40), [/line \d+, column \d+/]),
  fileCase('a duplicate field', 'dup.json', `{"W": [[9, 9], [9, 9], [9, 9]], ${modelWith({}).slice(1)}`, ['field "W" appears twice']),
  fileCase('a duplicate field inside about', 'dup-about.json', modelWith({}).replace(/}\s*$/, ', "about": {"k": 1, "k": 2}}'), ['field "about.k" appears twice']),
  fileCase('nesting 100 deep', 'deep.json', modelWith({}).replace(/}\s*$/, `, "about": {"x": ${'['.repeat(100)}${']'.repeat(100)}}}`), ['nested more than 64 levels']),
  fileCase('nesting 100000 deep with a NaN (the strict parser would recurse)', 'deep-nan.json', `{"about": ${'['.repeat(100_000)}NaN${']'.repeat(100_000)}}`, ['nested more than 64 levels']),
  fileCase('a NaN weight', 'nan.json', modelWith({}).replace('0.5', 'NaN'), ['W[0][0]', 'finite number']),
  fileCase(
    'an Infinity weight',
    'inf.json',
    modelWith({
      V: [
        [1, 2, 3],
        [1, 'Infinity', 2],
        [0, 0, 0],
      ],
    }),
    ['V[1][1]'],
  ),
  fileCase('a ragged W', 'ragged.json', modelWith({ W: [[1, 2], [3], [4, 5]] }), ['W[1]', 'ragged']),
  fileCase('an unknown activation', 'act.json', modelWith({ activation: 'relu' }), ['activation', 'unknown activation']),
  fileCase('a misspelt field', 'typo.json', modelWith({ bias: [0, 0, 0] }), ['bias', 'unknown field']),
  fileCase('b without a', 'bias.json', json({ activation: 'tanh', W: MODEL.W, b: MODEL.b, V: MODEL.V }), [/: a: is missing|: a: /]),
  fileCase('a top-level array', 'array.json', '[1, 2]', ['expected a JSON object']),
  fileCase(
    'a weight of 1e308 in V (T2 overflows)',
    'bigv.json',
    modelWith({
      V: [
        [1e306, 1, 1],
        [1, 1, 1],
        [1, 1, 1],
      ],
    }),
    ['V[0][0]', 'overflows float64'],
  ),
  fileCase('a NUL byte', 'nul.json', Buffer.from(`${modelWith({}).slice(0, 10)}\0${modelWith({}).slice(10)}`), [/line \d+, column \d+/]),
];

/** A safetensors file: 8-byte little-endian header length, the JSON header, the tensor bytes. */
function safetensors(header: string, data: Buffer): Buffer {
  const head = Buffer.from(header, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([length, head, data]);
}
const F64 = (xs: number[]) => Buffer.from(new Float64Array(xs).buffer);
const GOOD_TENSORS = `"0.weight": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 48]}, "0.bias": {"dtype": "F64", "shape": [3], "data_offsets": [48, 72]}, "2.weight": {"dtype": "F64", "shape": [3, 3], "data_offsets": [72, 144]}, "2.bias": {"dtype": "F64", "shape": [3], "data_offsets": [144, 168]}`;
const GOOD_BYTES = F64([...MODEL.W.flat(), ...MODEL.b, ...MODEL.V.flat(), ...MODEL.a]);

/** PyTorch state_dicts as .safetensors that are wrong (the activation comes from the metadata). */
export const BAD_SAFETENSORS: readonly FileCase[] = [
  fileCase('a safetensors file cut in its data', 'cut.safetensors', safetensors(`{"__metadata__": {"activation": "tanh"}, ${GOOD_TENSORS}}`, GOOD_BYTES.subarray(0, 100)), ['safetensors']),
  fileCase(
    'a tensor named twice in the header',
    'dup.safetensors',
    safetensors(`{"__metadata__": {"activation": "tanh"}, "0.weight": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}, ${GOOD_TENSORS}}`, GOOD_BYTES),
    ['field "0.weight" appears twice'],
  ),
  fileCase('a header length beyond the file', 'long.safetensors', Buffer.concat([Buffer.from([255, 255, 255, 255, 0, 0, 0, 0]), Buffer.from('{}')]), ['header length']),
  fileCase('eight bytes only', 'short.safetensors', Buffer.alloc(8), ['safetensors']),
  fileCase('a NaN weight', 'nan.safetensors', safetensors(`{"__metadata__": {"activation": "tanh"}, ${GOOD_TENSORS}}`, F64([Number.NaN, ...MODEL.W.flat().slice(1), ...MODEL.b, ...MODEL.V.flat(), ...MODEL.a])), [
    /0\.weight|W\[0\]\[0\]/,
  ]),
];

/** Data files that are wrong inside (the model is MODEL: d = 2, c = 3). */
export const BAD_DATA: readonly FileCase[] = [
  fileCase('an empty CSV', 'empty.csv', '', ['empty file']),
  fileCase('an empty JSON', 'empty.json', '', ['empty file']),
  fileCase('a header only', 'header.csv', 'a,b,label\r\n', ['no data rows']),
  fileCase('a label of 2^32 (Int32 would make it class 0)', 'l32.json', dataWith({ y: [0, 1, 4294967296, 1, 0] }), ['y[2]', 'label 4294967296 is too large']),
  fileCase('a label of 2^32 + 1 (would be class 1)', 'l33.csv', DATA_CSV.replace('1,1,1', '1,1,4294967297'), ['row 5, column "label"', 'too large']),
  fileCase('a label of 2^31 (would be -2^31)', 'l31.json', dataWith({ y: [2147483648, 1, 2, 1, 0] }), ['y[0]', 'label 2147483648 is too large']),
  fileCase('a label beyond the model', 'l3.csv', DATA_CSV.replace('0.75,-0.5,2', '0.75,-0.5,3'), ['row 4, column "label"', 'out of range 0..2']),
  fileCase('a CSV cell of 1e308 (T2 would overflow)', 'big.csv', DATA_CSV.replace('0.5,1,0', '1e308,1,0'), ['row 2, column "a"', 'out of range']),
  fileCase('a JSON entry of 1e154', 'big.json', dataWith({ X: [[1e154, 1], ...DATA.X.slice(1)] }), ['X[0][0]', 'out of range']),
  fileCase('a cell that overflows float64', 'inf.csv', DATA_CSV.replace('-1,0.25', '-1,1e400'), ['row 3, column "b"', 'overflows float64']),
  fileCase('a NaN cell', 'nan.csv', DATA_CSV.replace('-1,0.25', 'NaN,0.25'), ['row 3, column "a"', 'not a finite number']),
  fileCase('a missing cell', 'gap.csv', DATA_CSV.replace('-1,0.25', '-1,'), ['row 3, column "b"', 'empty field']),
  fileCase('three features for a model of two (CSV)', 'wide.csv', 'a,b,c,label\n1,2,3,0\n', ['row 1', 'has 3 feature columns ("a", "b", "c")', 'expects d = 2']),
  fileCase('three features for a model of two (JSON)', 'wide.json', json({ X: [[1, 2, 3]], y: [0] }), ['X[0]', 'has 3 features', 'expects d = 2']),
  fileCase('a duplicate y', 'dup.json', json(DATA).replace(/}\s*$/, ', "y": [1, 1, 1, 1, 1]}'), ['field "y" appears twice']),
  fileCase('CRLF with a stray quote', 'quote.csv', DATA_CSV.replace(/\n/g, '\r\n').replace('0.25', '0"25'), ['row 3', 'a " inside an unquoted field']),
  fileCase('a NUL byte (binary)', 'nul.csv', Buffer.from(`${DATA_CSV}\0\0\0`), [/line \d+, column \d+/, 'NUL byte']),
  fileCase('a semicolon-separated file', 'semi.csv', DATA_CSV.replace(/,/g, ';'), ['row 1', 'only comma-separated']),
  fileCase('one line of 5 MB with no separator', 'long.csv', '0'.repeat(5 * 2 ** 20), ['row 1', 'longer than 1024 characters']),
  fileCase('a ragged X', 'ragged.json', dataWith({ X: [[1, 2], [3], [4, 5], [1, 1], [0, 0]] }), ['X[1]', 'ragged']),
  fileCase('more labels than samples', 'labels.json', dataWith({ y: [0, 1, 2, 1, 0, 1] }), [/: y: has 6 labels for 5 samples/]),
  fileCase('a fractional label', 'frac.csv', DATA_CSV.replace('1,1,1', '1,1,1.5'), ['row 5, column "label"', 'not an integer']),
  fileCase('deep nesting in about', 'deep.json', dataWith({}).replace(/}\s*$/, `, "about": ${'{"a":'.repeat(80)}1${'}'.repeat(80)}}`), ['nested more than 64 levels']),
];

/** A flag with a value that is wrong, and what the message must name. */
export interface FlagCase {
  readonly command: string;
  readonly args: readonly string[];
  readonly names: readonly (string | RegExp)[];
}

const invalid = (command: string, flag: string, values: readonly string[], extra: readonly string[] = []): FlagCase[] => values.map((value) => ({ command, args: [flag, value, ...extra], names: [flag] }));

const NOT_NUMBERS = ['', ' ', 'abc', 'NaN', 'Infinity', '-Infinity', '0x10', '1,5', '1e400', '--', '١'];
const NOT_COUNTS = [...NOT_NUMBERS, '0', '-1', '1.5', '1e3', '99999999999999999999'];
const NOT_SEEDS = [...NOT_NUMBERS, '-1', '1.5', '1e3', '4294967296', '18446744073709551616'];

/** Every flag of every subcommand with values that must be refused (train cases get --out added by the runner). */
export const BAD_FLAGS: readonly FlagCase[] = [
  ...['bound', 'grad', 'audit'].flatMap((command) => [
    ...invalid(command, '--reduction', ['', 'avg', 'MEAN']),
    ...invalid(command, '--block', ['third', '']),
    ...invalid(command, '--curvature', ['gn', '']),
    ...invalid(command, '--loss', ['hinge', '', 'MSE', 'cross_entropy']),
    ...invalid(command, '--label-smoothing', [...NOT_NUMBERS, '0', '1', '-0.1', '1.5'], ['--loss', 'label-smoothing']),
    { command, args: ['--model', 'm.json'], names: ['--model and --data go together'] },
    { command, args: ['--model', ''], names: [/--model|--data/] },
  ]),
  ...invalid('grad', '--of', ['max', '']),
  ...invalid('train', '--lr', [...NOT_NUMBERS, '0', '-0.1']),
  ...invalid('train', '--momentum', [...NOT_NUMBERS, '1', '1.5']),
  ...invalid('train', '--rho', [...NOT_NUMBERS, '-1']),
  ...invalid('train', '--lambda', [...NOT_NUMBERS, '-1']),
  ...invalid('train', '--weight-decay', [...NOT_NUMBERS, '-0.01']),
  ...invalid('train', '--batch', [...NOT_COUNTS, '4294967296']),
  ...invalid('train', '--epochs', [...NOT_COUNTS, '1e12', '1000001']),
  ...invalid('train', '--seed', NOT_SEEDS),
  ...invalid('train', '--metrics-every', NOT_COUNTS),
  ...invalid('train', '--metrics-samples', NOT_COUNTS),
  ...invalid('train', '--test-fraction', [...NOT_NUMBERS, '1', '-0.1']),
  // '1,5' is a valid --hidden (two hidden layers); the list forms have their own wrong values.
  ...invalid('train', '--hidden', [...NOT_COUNTS.filter((v) => v !== '1,5'), '64,', ',64', '0,3', '4,x', '1,,2', '2,1.5']),
  ...invalid('train', '--activation', ['relu', '', 'TANH']),
  ...invalid('train', '--method', ['adamw', '']),
  ...invalid('train', '--loss', ['hinge', '']),
  ...invalid('train', '--label-smoothing', [...NOT_NUMBERS, '0', '1'], ['--loss', 'label-smoothing']),
  ...invalid('train', '--optimizer', ['rmsprop', '']),
  ...invalid('train', '--samples', ['10'], []),
  ...invalid('train', '--out', ['', ' ']),
  ...invalid('train', '--data', ['', ' ']),
  ...invalid('audit', '--runs', NOT_COUNTS),
  ...invalid('audit', '--seed', NOT_SEEDS, ['--runs', '1']),
  ...invalid('audit', '--symbolic-runs', ['-1', 'abc', '1.5'], ['--runs', '1']),
  { command: 'audit', args: ['--symbolic-runs', '2'], names: ['--symbolic-runs goes with --runs'] },
  ...invalid('audit', '--depth', ['1', '7', 'abc', '1.5', ''], ['--runs', '1']),
  ...invalid('derive', '--activation', ['', 'u+', ')(', 'x', 'log(u)', 'relu', 'sqrt(-1)', 'constructor', '__proto__', 'exp(u', 'u**', '1/0+u'.replace('u', 'x'), 'u'.repeat(300)]),
  ...invalid('derive', '--d', [...NOT_COUNTS], ['--quantity', 'trace']),
  ...invalid('derive', '--c', ['1', 'abc'], ['--d', '1', '--quantity', 'trace']),
  ...invalid('derive', '--seed', NOT_SEEDS, ['--d', '1', '--quantity', 'trace']),
  ...invalid('derive', '--quantity', ['eigen', ''], ['--d', '1']),
  ...invalid('reproduce', '--seeds', NOT_COUNTS, ['--out', '/nonexistent-hsr-never-written']),
  ...invalid('reproduce', '--epochs', NOT_COUNTS, ['--out', '/nonexistent-hsr-never-written']),
  ...invalid('reproduce', '--datasets', ['', ',', 'nope', 'iris,nope'], ['--out', '/nonexistent-hsr-never-written']),
  ...invalid('reproduce', '--out', ['', ' ']),
  ...invalid('reproduce', '--loss', ['hinge', '', 'label-smoothing', 'mse,nope'], ['--out', '/nonexistent-hsr-never-written']),
  ...invalid('bound', '--hvp-budget', NOT_COUNTS),
  ...invalid('bound', '--seed', NOT_SEEDS, ['--hvp-budget', '4']),
  ...invalid('bound', '--activation', ['relu', ''], ['--model', 'packages/cli/assets/iris-default.model.json', '--data', 'packages/cli/assets/iris-default.data.json']),
  ...invalid('estimate', '--matvecs', ['', ',', '0', '4,4', 'abc', '1.5']),
  ...invalid('estimate', '--repeats', NOT_COUNTS),
  ...invalid('estimate', '--seed', NOT_SEEDS),
  ...invalid('estimate', '--sketch-memory', [...NOT_NUMBERS, '0', '-1']),
  ...invalid('estimate', '--samples', ['10']),
  ...invalid('estimate', '--out', ['', '/dev/null', '/dev/null/x']),
  ...invalid('estimate', '--block', ['third']),
];

/** Commander's own usage errors in every subcommand: an unknown option, an extra positional, a missing value. */
export const USAGE_ERRORS: readonly FlagCase[] = ['bound', 'grad', 'train', 'audit', 'derive', 'docs', 'reproduce', 'estimate'].flatMap((command) => [
  { command, args: ['--foo'], names: ["unknown option '--foo'"] },
  { command, args: ['--json=1', '--Json'], names: [/unknown option '--(json=1|Json)'/] },
  { command, args: ['extra'], names: ['too many arguments'] },
  { command, args: ['-x'], names: ["unknown option '-x'"] },
]);

/** Flags of each subcommand that take a value, given last with none: commander's "argument missing". */
export const MISSING_VALUES: readonly FlagCase[] = [
  ...['--model', '--data', '--reduction', '--block', '--curvature'].flatMap((flag) => ['bound', 'grad', 'audit'].map((command) => ({ command, args: [flag], names: [flag, 'argument missing'] }))),
  ...['--lr', '--epochs', '--seed', '--out', '--hidden', '--batch', '--data'].map((flag) => ({ command: 'train', args: [flag], names: [flag, 'argument missing'] })),
  ...['--activation', '--d', '--seed'].map((flag) => ({ command: 'derive', args: [flag], names: [flag, 'argument missing'] })),
  ...['--matvecs', '--seed', '--out', '--model'].map((flag) => ({ command: 'estimate', args: [flag], names: [flag, 'argument missing'] })),
];

// ---------------------------------------------------------------------------------------
// Generators of malformed JSON and CSV text.

/** Tokens that break or bend JSON where a number or a structure was. */
const JSON_TOKENS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '1e154',
  '1e-400',
  '-0',
  '4294967296',
  '2147483648',
  '1.5',
  '-1',
  '"1"',
  'null',
  'true',
  '[]',
  '{}',
  '',
  ',',
  '[',
  ']',
  '{',
  '}',
  ':',
  '"',
  '\\',
  '\u0000',
  '\uFEFF',
];

/** A text edit that prints as what it does (fast-check shows it in a counterexample). */
function edit(label: string, apply: (text: string) => string): (text: string) => string {
  return Object.assign(apply, { [fc.toStringMethod]: () => label });
}

/** One edit of a JSON text: delete, insert or replace at a position, truncate, duplicate a field, replace a number, nest deeply. */
export const jsonMutation: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((i) => edit(`delete the character at ${i} (mod length)`, (t) => t.slice(0, i % t.length) + t.slice((i % t.length) + 1))),
  fc.tuple(fc.nat(), fc.constantFrom(...JSON_TOKENS)).map(([i, tok]) => edit(`insert ${JSON.stringify(tok)} at ${i}`, (t) => t.slice(0, i % (t.length + 1)) + tok + t.slice(i % (t.length + 1)))),
  fc.tuple(fc.nat(), fc.constantFrom(...JSON_TOKENS)).map(([i, tok]) => edit(`replace the character at ${i} by ${JSON.stringify(tok)}`, (t) => t.slice(0, i % t.length) + tok + t.slice((i % t.length) + 1))),
  fc.nat().map((i) => edit(`truncate at ${i}`, (t) => t.slice(0, i % t.length))),
  fc.constantFrom('W', 'V', 'X', 'y', 'b', 'a', 'activation').map((key) => edit(`a second "${key}" first`, (t) => t.replace('{', `{"${key}": [[0]],`))),
  fc.tuple(fc.nat(), fc.constantFrom(...JSON_TOKENS)).map(([k, tok]) =>
    edit(`number ${k} (mod count) becomes ${JSON.stringify(tok)}`, (t) => {
      let seen = -1;
      const count = (t.match(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g) ?? []).length || 1;
      return t.replace(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g, (m) => (++seen === k % count ? tok : m));
    }),
  ),
  fc.integer({ min: 60, max: 2000 }).map((depth) => edit(`about nested ${depth} deep`, (t) => t.replace(/}\s*$/, `, "about": {"deep": ${'['.repeat(depth)}1${']'.repeat(depth)}}}`))),
);

/** A CSV cell: numbers of every size, and text that is not one. */
const csvCell: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }).map(String) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'NaN',
      'inf',
      '-Infinity',
      '1e400',
      '1e308',
      '5e-324',
      'abc',
      '"1"',
      '"1,2"',
      '"a""b"',
      '0x10',
      '1.5',
      '-1',
      '4294967296',
      '65535',
      '65536',
      '+.5',
      '1e3',
      ' 2 ',
      '"',
      'a"b',
      '\u0000',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** A CSV text around a header (usually with a label column), rows of cells, a line end and maybe a BOM. */
export const csvText: fc.Arbitrary<string> = fc
  .record({
    header: fc.oneof({ weight: 5, arbitrary: fc.constant(['a', 'b', 'label']) }, { weight: 1, arbitrary: fc.shuffledSubarray(['a', 'b', 'c', 'label', 'Label', '', 'a', ' label ', '"q""x"', 'label'], { minLength: 1 }) }),
    rows: fc.array(fc.array(csvCell, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    trailing: fc.boolean(),
  })
  .map(({ header, rows, eol, bom, trailing }) => `${bom ? '\uFEFF' : ''}${[header.join(','), ...rows.map((r) => r.join(','))].join(eol)}${trailing ? eol : ''}`);

/** Valid data whose X entries span the representable range (tiny, subnormal, large but in range). */
export const extremeData: fc.Arbitrary<{ X: number[][]; y: number[] }> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.double({ min: -1e70, max: 1e70, noNaN: true }), fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-300, 1e70, -1e70, 1)),
      fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constantFrom(0, 1e-310, 1e40)),
      fc.integer({ min: 0, max: 2 }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((rows) => ({ X: rows.map(([a, b]) => [a, b]), y: rows.map(([, , y]) => y) }));
