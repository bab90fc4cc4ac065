/**
 * The safetensors format (what PyTorch users save weights in, `safetensors.torch.save_file`):
 *
 *   8 bytes      N, the header length, unsigned 64-bit little-endian
 *   N bytes      a UTF-8 JSON object {name: {"dtype", "shape", "data_offsets": [begin, end]},
 *                "__metadata__": {string: string}}, possibly padded with spaces
 *   the rest     the tensors' bytes, row-major little-endian, at [begin, end) from here on
 *
 * Read strictly: the offsets must tile the byte buffer exactly (no gap, no overlap, nothing
 * after), each tensor's length must be its element count times its dtype's size, and every
 * element must be finite. F64 and F32 are read (F32 widened exactly to float64, and said so:
 * `dtype` stays 'F32'); any other dtype is refused naming the tensor. Every problem is one
 * InputError naming the file and the tensor or header field. No package on npm reads the
 * format, hence this one; writing mirrors the Python library (header padded with spaces so
 * the data starts 8-byte aligned).
 */
import { writeFileAtomic } from './atomicWrite.ts';
import { InputError, describeValue as describe, fieldLocation } from './errors.ts';
import { checkJsonStructure } from './json.ts';
import { readInputBytes } from './textFile.ts';

/** The element types read and written. */
export type SafetensorsDtype = 'F64' | 'F32';

const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = { F64: 8, F32: 4 };
/** Every dtype the format defines, so that an unsupported one is named as such, not as garbage. */
const KNOWN_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64'];
/** The Python library refuses headers over 100 MB; so does this reader (a corrupt length would otherwise ask for exabytes). */
const MAX_HEADER_BYTES = 100_000_000;

export interface Tensor {
  /** As stored; F32 values are widened exactly into `data`. */
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** The elements in row-major order, as float64. */
  readonly data: Float64Array;
}

export interface SafetensorsDocument {
  /** By name, in the header's order. */
  readonly tensors: ReadonlyMap<string, Tensor>;
  /** The header's `__metadata__` (string to string), empty when absent. */
  readonly metadata: Readonly<Record<string, string>>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parse safetensors bytes. `file` names the file in messages. Throws InputError. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsDocument {
  const fail = (where: string | null, reason: string): never => {
    throw new InputError(file, where === null ? null : fieldLocation(where), reason);
  };
  if (bytes.length < 8) fail(null, `not a safetensors file: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    fail(null, `not a safetensors file: the header length says ${headerLength} bytes, but ${headerLength > BigInt(MAX_HEADER_BYTES) ? `the limit is ${MAX_HEADER_BYTES}` : `only ${bytes.length - 8} follow`}`);
  }
  const n = Number(headerLength);
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header', 'is not valid UTF-8');
  }
  if (!headerText.startsWith('{')) fail('header', `must be a JSON object starting with "{", got ${describe(headerText.slice(0, 20))}`);
  // A tensor named twice would silently keep the last entry (positions are within the header).
  checkJsonStructure(headerText, file);
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    return fail('header', `is not valid JSON: ${(error as Error).message.split('\n')[0]!.slice(0, 120)}`);
  }
  if (!isObject(header)) return fail('header', 'must be a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: { name: string; begin: number; end: number }[] = [];
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(entry)) fail('__metadata__', `must be an object of strings, got ${describe(entry)}`);
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k}`, `must be a string, got ${describe(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (!isObject(entry)) fail(name, `must be {"dtype", "shape", "data_offsets"}, got ${describe(entry)}`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || !KNOWN_DTYPES.includes(dtype)) fail(`${name}.dtype`, `must be a safetensors dtype (F64, F32, ...), got ${describe(dtype)}`);
    if (dtype !== 'F64' && dtype !== 'F32') fail(`${name}.dtype`, `${dtype} is not supported: hsr reads F64 and F32 (save the model after .double() or .float())`);
    if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) fail(`${name}.shape`, `must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      fail(`${name}.data_offsets`, `must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) fail(`${name}.data_offsets`, `[${begin}, ${end}] runs past the end of the data (${dataLength} bytes): the file is truncated`);
    const size = DTYPE_BYTES[dtype as SafetensorsDtype];
    const count = (shape as number[]).reduce((p, s) => p * s, 1);
    if (end - begin !== count * size) fail(`${name}.data_offsets`, `[${begin}, ${end}] holds ${end - begin} bytes, but shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${count * size}`);
    const data = new Float64Array(count);
    const at = dataStart + begin;
    for (let i = 0; i < count; i++) {
      const x = dtype === 'F64' ? view.getFloat64(at + 8 * i, true) : view.getFloat32(at + 4 * i, true);
      if (!Number.isFinite(x)) fail(`${name}[${i}]`, `must be a finite number, got ${x}`);
      data[i] = x;
    }
    spans.push({ name, begin, end });
    tensors.set(name, { dtype: dtype as SafetensorsDtype, shape: [...(shape as number[])], data });
  }
  // The format requires the offsets to tile the buffer: an overlap or a hole means corruption.
  spans.sort((p, q) => p.begin - q.begin || p.end - q.end);
  let cursor = 0;
  for (const s of spans) {
    if (s.begin !== cursor)
      fail(`${s.name}.data_offsets`, s.begin < cursor ? `[${s.begin}, ${s.end}] overlaps the tensor before it (which ends at ${cursor})` : `[${s.begin}, ${s.end}] leaves bytes ${cursor}..${s.begin} unused`);
    cursor = s.end;
  }
  if (cursor !== dataLength) fail(null, `${dataLength - cursor} bytes after the last tensor (the data is ${dataLength} bytes, the tensors end at ${cursor})`);
  return { tensors, metadata };
}

/** Read a safetensors file (see the module comment). Throws InputError naming the path. */
export function readSafetensorsFile(path: string): SafetensorsDocument {
  // The same checks as every input file (regular file, size limit) before a byte is read.
  return parseSafetensors(readInputBytes(path), path);
}

/** A tensor to write: its values in row-major order, stored as `dtype` (default F64). */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  readonly dtype?: SafetensorsDtype;
}

/** The bytes of a safetensors file holding `tensors` (in order) and `metadata`. */
export function formatSafetensors(tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'F64';
    const count = t.shape.reduce((p, s) => p * s, 1);
    if (count !== t.data.length) throw new RangeError(`${t.name}: shape [${t.shape.join(', ')}] has ${count} elements, data has ${t.data.length}`);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + count * DTYPE_BYTES[dtype]] };
    offset += count * DTYPE_BYTES[dtype];
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts on an 8-byte boundary, as the Python library does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'F64';
    for (let i = 0; i < t.data.length; i++) {
      if (dtype === 'F64') view.setFloat64(at + 8 * i, t.data[i]!, true);
      else view.setFloat32(at + 4 * i, t.data[i]!, true);
    }
    at += t.data.length * DTYPE_BYTES[dtype];
  }
  return out;
}

/** Write a safetensors file atomically (see `writeFileAtomic`). */
export function writeSafetensorsFile(path: string, tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(path, formatSafetensors(tensors, metadata));
}
