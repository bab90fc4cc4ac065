/**
 * A minimal WebAssembly binary writer: just the sections and instructions the kernels of
 * wasmKernels.ts need, each named after its mnemonic in the WebAssembly core specification
 * (https://webassembly.github.io/spec/core/binary/) and the fixed-width SIMD proposal (part of
 * the core spec since 2.0; enabled by default in Node >= 16.4). No assembler or toolchain is
 * installed in this repository's runtime, so the module bytes are emitted here from readable
 * code instead of being checked in as an opaque blob.
 */

/** Value types (spec 5.3.1). */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128 (spec 5.2.2). */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 for i32 constants. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Instruction emitter for one function body; every method appends and returns `this`. */
export class Code {
  readonly bytes: number[] = [];
  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  // Control (spec 5.4.1); blocks and loops produce no value (block type 0x40).
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if_(): this {
    return this.op(0x04, 0x40);
  }
  else_(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  br_if(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  select(): this {
    return this.op(0x1b);
  }
  // Variables (5.4.4).
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  // Memory (5.4.6): memarg = alignment exponent, byte offset.
  f64_load(offset = 0): this {
    return this.op(0x2b, 3, ...uleb(offset));
  }
  f64_store(offset = 0): this {
    return this.op(0x39, 3, ...uleb(offset));
  }
  // Numeric (5.4.7).
  i32_const(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  i32_eqz(): this {
    return this.op(0x45);
  }
  i32_gt_s(): this {
    return this.op(0x4a);
  }
  i32_ge_s(): this {
    return this.op(0x4e);
  }
  i32_add(): this {
    return this.op(0x6a);
  }
  i32_sub(): this {
    return this.op(0x6b);
  }
  i32_mul(): this {
    return this.op(0x6c);
  }
  i32_and(): this {
    return this.op(0x71);
  }
  i32_shl(): this {
    return this.op(0x74);
  }
  i32_lt_s(): this {
    return this.op(0x48);
  }
  f64_add(): this {
    return this.op(0xa0);
  }
  f64_mul(): this {
    return this.op(0xa2);
  }
  // SIMD (5.4.8, prefix 0xfd, u32 LEB opcode).
  v128_load(offset = 0): this {
    return this.op(0xfd, ...uleb(0x00), 4, ...uleb(offset));
  }
  /** Load one f64 and copy it into both lanes (alignment exponent 3). */
  v128_load64_splat(offset = 0): this {
    return this.op(0xfd, ...uleb(0x0a), 3, ...uleb(offset));
  }
  v128_zero(): this {
    return this.op(0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0));
  }
  f64x2_extract_lane(lane: 0 | 1): this {
    return this.op(0xfd, ...uleb(0x21), lane);
  }
  f64x2_splat(): this {
    return this.op(0xfd, ...uleb(0x14));
  }
  f64x2_add(): this {
    return this.op(0xfd, ...uleb(0xf0));
  }
  f64x2_mul(): this {
    return this.op(0xfd, ...uleb(0xf2));
  }
  v128_store(offset = 0): this {
    return this.op(0xfd, ...uleb(0x0b), 4, ...uleb(offset));
  }
}

/** Limits of an imported memory (spec 5.3.4 and the threads proposal): 64 KiB pages. */
export interface ImportedMemory {
  readonly module: string;
  readonly name: string;
  readonly initial: number;
  readonly maximum: number;
  /** Shared between threads (limits flag 0x03), so every worker's instance sees the same bytes. */
  readonly shared: boolean;
}

export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly number[];
  /** Extra locals after the parameters, one value type each. */
  readonly locals: readonly number[];
  readonly body: Code;
}

/**
 * A module with the given functions, each exported under its name, all returning nothing, and
 * either its own exported memory ("memory", `memory` 64 KiB pages to start) or an imported one.
 */
export function buildModule(functions: readonly FunctionSpec[], memory: number | ImportedMemory): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
  const funcs = functions.map((_, i) => uleb(i));
  const name = (s: string) => [...uleb(utf8(s).length), ...utf8(s)];
  const own = typeof memory === 'number';
  const imports = own ? [] : [[...name(memory.module), ...name(memory.name), 0x02, memory.shared ? 0x03 : 0x01, ...uleb(memory.initial), ...uleb(memory.maximum)]];
  const memories = own ? [[0x00, ...uleb(memory)]] : [];
  const exports = own ? [[...name('memory'), 0x02, 0]] : [];
  for (const [i, f] of functions.entries()) exports.push([...name(f.name), 0x00, ...uleb(i)]);
  const bodies = functions.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...(imports.length ? section(2, vec(imports)) : []),
    ...section(3, vec(funcs)),
    ...(memories.length ? section(5, vec(memories)) : []),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
