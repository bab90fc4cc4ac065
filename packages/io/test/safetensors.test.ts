/** The safetensors format (safetensors.ts): round trips, and one InputError per corruption. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatSafetensors, parseSafetensors, readSafetensorsFile, writeSafetensorsFile, type TensorToWrite } from '../src/index.ts';
import { inputError, scratch } from './support.ts';

const TENSORS: TensorToWrite[] = [
  { name: 'w', shape: [2, 3], data: [1, -2.5, 3e-300, 0.1, 1 / 3, -0] },
  { name: 'v', shape: [3], data: [0.1, 0.2, 0.3], dtype: 'F32' },
];

/** A file built by hand: header JSON (unpadded) and raw data bytes. */
function handMade(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f64 = (...xs: number[]) => new Uint8Array(Float64Array.from(xs).buffer);

describe('safetensors round trip', () => {
  test('F64 exactly, F32 as float32 values widened, metadata kept, data 8-byte aligned', () => {
    const bytes = formatSafetensors(TENSORS, { activation: 'tanh' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const doc = parseSafetensors(bytes, 'm.safetensors');
    expect(doc.metadata).toEqual({ activation: 'tanh' });
    expect([...doc.tensors.keys()]).toEqual(['w', 'v']);
    expect(doc.tensors.get('w')!.shape).toEqual([2, 3]);
    expect(Array.from(doc.tensors.get('w')!.data)).toEqual([1, -2.5, 3e-300, 0.1, 1 / 3, -0]);
    const v = doc.tensors.get('v')!;
    expect(v.dtype).toBe('F32');
    expect(Array.from(v.data)).toEqual([0.1, 0.2, 0.3].map(Math.fround));
  });

  test('written atomically and read back from disk', () => {
    const path = join(scratch, 'rt.safetensors');
    writeSafetensorsFile(path, TENSORS);
    expect(readSafetensorsFile(path).tensors.size).toBe(2);
    expect(readFileSync(path)).toEqual(Buffer.from(formatSafetensors(TENSORS)));
  });

  test('a header padded with spaces, as the Python library writes it, is read', () => {
    const json = `${JSON.stringify({ x: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } })}      `;
    const header = new TextEncoder().encode(json);
    const bytes = new Uint8Array(8 + header.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    bytes.set(f64(2.5), 8 + header.length);
    expect(Array.from(parseSafetensors(bytes, 'p.safetensors').tensors.get('x')!.data)).toEqual([2.5]);
  });
});

describe('safetensors: every corruption is one line naming the file and the place', () => {
  const entry = (offsets: [number, number], extra: Record<string, unknown> = {}) => ({ dtype: 'F64', shape: [1], data_offsets: offsets, ...extra });
  const cases: [string, Uint8Array, string][] = [
    ['too short', new Uint8Array(5), 'm.safetensors: not a safetensors file: 5 bytes, shorter than the 8-byte header length'],
    [
      'header length past the end',
      (() => {
        const b = handMade({});
        new DataView(b.buffer).setBigUint64(0, 999n, true);
        return b;
      })(),
      'm.safetensors: not a safetensors file: the header length says 999 bytes, but only 2 follow',
    ],
    [
      'header length absurd',
      (() => {
        const b = handMade({});
        new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true);
        return b;
      })(),
      'the limit is 100000000',
    ],
    [
      'header not JSON',
      (() => {
        const b = handMade({ a: 1 });
        b[9] = 0x7b;
        b[10] = 0x7b;
        return b;
      })(),
      'm.safetensors: header: is not valid JSON',
    ],
    [
      'header an array',
      (() => {
        const json = new TextEncoder().encode('[1]');
        const b = new Uint8Array(8 + 3);
        new DataView(b.buffer).setBigUint64(0, 3n, true);
        b.set(json, 8);
        return b;
      })(),
      'm.safetensors: header: must be a JSON object starting with "{", got "[1]"',
    ],
    [
      'unsupported dtype',
      handMade({ x: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, new Uint8Array(2)),
      'm.safetensors: x.dtype: F16 is not supported: hsr reads F64 and F32 (save the model after .double() or .float())',
    ],
    ['unknown dtype', handMade({ x: { dtype: 'F65', shape: [1], data_offsets: [0, 8] } }, f64(1)), 'm.safetensors: x.dtype: must be a safetensors dtype (F64, F32, ...), got "F65"'],
    ['bad shape', handMade({ x: entry([0, 8], { shape: [-1] }) }, f64(1)), 'm.safetensors: x.shape: must be an array of non-negative integers, got [-1]'],
    ['bad offsets', handMade({ x: entry([8, 0]) }, f64(1)), 'm.safetensors: x.data_offsets: must be [begin, end] with 0 <= begin <= end, got [8,0]'],
    ['truncated data', handMade({ x: entry([0, 8]) }, new Uint8Array(4)), 'm.safetensors: x.data_offsets: [0, 8] runs past the end of the data (4 bytes): the file is truncated'],
    ['wrong byte count', handMade({ x: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }, f64(1)), 'm.safetensors: x.data_offsets: [0, 8] holds 8 bytes, but shape [2] of F64 needs 16'],
    ['overlap', handMade({ x: entry([0, 8]), y: entry([0, 8]) }, f64(1)), 'overlaps the tensor before it (which ends at 8)'],
    ['hole', handMade({ x: entry([8, 16]) }, f64(1, 2)), 'm.safetensors: x.data_offsets: [8, 16] leaves bytes 0..8 unused'],
    ['trailing bytes', handMade({ x: entry([0, 8]) }, f64(1, 2)), 'm.safetensors: 8 bytes after the last tensor (the data is 16 bytes, the tensors end at 8)'],
    ['NaN element', handMade({ x: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }, f64(1, Number.NaN)), 'm.safetensors: x[1]: must be a finite number, got NaN'],
    ['metadata not strings', handMade({ __metadata__: { activation: 3 } }), 'm.safetensors: __metadata__.activation: must be a string, got 3'],
  ];
  test.each(cases)('%s', (_, bytes, message) => {
    const e = inputError(() => parseSafetensors(bytes, 'm.safetensors'));
    expect(e.message).toContain(message);
    expect(e.message).not.toContain('\n');
  });

  test('a missing file', () => {
    expect(inputError(() => readSafetensorsFile(join(scratch, 'none.safetensors'))).message).toMatch(/none\.safetensors: cannot read file: no such file or directory$/);
  });

  test('a JSON file given as safetensors is refused, not misread', () => {
    const path = join(scratch, 'json.safetensors');
    writeFileSync(path, '{"activation": "tanh", "W": [[1]], "V": [[1], [2]]}');
    expect(inputError(() => readSafetensorsFile(path)).message).toContain('not a safetensors file');
  });
});
