/**
 * rowDotProducts as a WebAssembly SIMD (f64x2) kernel, for the Gram matrices of the closed
 * forms (hessianTrace.ts). V8 does not vectorise the JavaScript loops of kernels.ts; here each
 * instruction multiplies and adds two doubles, and a 4 x 2 block of outputs keeps its eight
 * two-lane accumulators in registers (x64 has sixteen), which runs the Gram matrices of the
 * P ~ 1000 bench case about twice as fast as the register-blocked JavaScript.
 *
 * Summation order of every output entry (the same for every block shape, so it does not depend
 * on the row range of a call or on which rows are blocked together, the property
 * `parallel/kernels.test.ts` checks): within an inner-dimension chunk [j0, j1), lane 0
 * sums the products at j0, j0+2, ... and lane 1 those at j0+1, j0+3, ... (ascending), then
 * s = lane0 + lane1, plus the last product when the chunk length is odd, and out += s; chunks
 * ascending. This differs from the JavaScript kernel's order, so the two agree to the
 * recursive-summation error bound, not bit for bit (`parallel/wasmKernels.test.ts`).
 *
 * The operands are copied into the module's own linear memory (O(N w), against the O(N^2 w)
 * products). When WebAssembly SIMD is unavailable, `wasmRowDotProducts` is null and callers
 * use the JavaScript kernel.
 */
import { Code, F64, I32, V128, buildModule } from './wasmBuilder.ts';

// Parameter and local indices of `dots` (all i32 except where noted).
const X = 0,
  Y = 1,
  OUT = 2,
  LD = 3,
  NY = 4,
  W = 5,
  J0 = 6,
  J1 = 7,
  R0 = 8,
  R1 = 9,
  UPPER = 10;
const N_ = 11,
  M_ = 12,
  K = 13,
  KEND = 14,
  ODD = 15,
  WB = 16,
  JB = 17;
const PX = [18, 19, 20, 21];
const PY = [22, 23];
const S = 24; // f64
const ADDR = 25;
const YV = [26, 27]; // v128
const XV = 28; // v128
const ACC = [29, 30, 31, 32, 33, 34, 35, 36]; // v128, ACC[r * 2 + c]
const LOCALS = [...new Array<number>(13).fill(I32), F64, I32, V128, V128, V128, ...new Array<number>(8).fill(V128)];

/** ptr = base + row * wb + jb, for row = local `row` plus `delta`. */
function rowPointer(c: Code, target: number, base: number, row: number, delta: number): void {
  c.get(base).get(row);
  if (delta) c.i32_const(delta).i32_add();
  c.get(WB).i32_mul().i32_add().get(JB).i32_add().set(target);
}

/**
 * One R x C block of outputs (rows n .. n+R-1 of X against rows m .. m+C-1 of Y) over the
 * chunk, in the summation order of the module comment.
 */
function micro(c: Code, R: number, C: number): void {
  for (let r = 0; r < R; r++) for (let q = 0; q < C; q++) c.v128_zero().set(ACC[r * 2 + q]!);
  c.i32_const(0).set(K);
  c.block().loop();
  c.get(K).get(KEND).i32_ge_s().br_if(1);
  for (let q = 0; q < C; q++) c.get(PY[q]!).get(K).i32_add().v128_load().set(YV[q]!);
  for (let r = 0; r < R; r++) {
    c.get(PX[r]!).get(K).i32_add().v128_load().set(XV);
    for (let q = 0; q < C; q++)
      c.get(ACC[r * 2 + q]!)
        .get(XV)
        .get(YV[q]!)
        .f64x2_mul()
        .f64x2_add()
        .set(ACC[r * 2 + q]!);
  }
  c.get(K).i32_const(16).i32_add().set(K);
  c.br(0).end().end();
  for (let r = 0; r < R; r++)
    for (let q = 0; q < C; q++) {
      const acc = ACC[r * 2 + q]!;
      c.get(acc).f64x2_extract_lane(0).get(acc).f64x2_extract_lane(1).f64_add().set(S);
      c.get(ODD).if_();
      c.get(S).get(PX[r]!).get(KEND).i32_add().f64_load().get(PY[q]!).get(KEND).i32_add().f64_load().f64_mul().f64_add().set(S);
      c.end();
      // addr = out + ((n + r) * ld + m + q) * 8; out[addr] += s.
      c.get(OUT).get(N_);
      if (r) c.i32_const(r).i32_add();
      c.get(LD).i32_mul().get(M_).i32_add();
      if (q) c.i32_const(q).i32_add();
      c.i32_const(3).i32_shl().i32_add().tee(ADDR);
      c.get(ADDR).f64_load().get(S).f64_add().f64_store();
    }
}

/** for (; m + C <= nY; m += C) micro(R, C), with the Y row pointers set per block. */
function columnLoop(c: Code, R: number, C: number): void {
  c.block().loop();
  c.get(M_).i32_const(C).i32_add().get(NY).i32_gt_s().br_if(1);
  for (let q = 0; q < C; q++) rowPointer(c, PY[q]!, Y, M_, q);
  micro(c, R, C);
  c.get(M_).i32_const(C).i32_add().set(M_);
  c.br(0).end().end();
}

/** m = upper ? n : 0 */
function firstColumn(c: Code): void {
  c.get(N_).i32_const(0).get(UPPER).select().set(M_);
}

function dotsBody(): Code {
  const c = new Code();
  c.get(W).i32_const(3).i32_shl().set(WB);
  c.get(J0).i32_const(3).i32_shl().set(JB);
  c.get(J1).get(J0).i32_sub().i32_const(-2).i32_and().i32_const(3).i32_shl().set(KEND);
  c.get(J1).get(J0).i32_sub().i32_const(1).i32_and().set(ODD);
  c.get(R0).set(N_);
  // Rows in blocks of four: columns two at a time, then one.
  c.block().loop();
  c.get(N_).i32_const(4).i32_add().get(R1).i32_gt_s().br_if(1);
  for (let r = 0; r < 4; r++) rowPointer(c, PX[r]!, X, N_, r);
  firstColumn(c);
  columnLoop(c, 4, 2);
  columnLoop(c, 4, 1);
  c.get(N_).i32_const(4).i32_add().set(N_);
  c.br(0).end().end();
  // Remaining rows one at a time.
  c.block().loop();
  c.get(N_).i32_const(1).i32_add().get(R1).i32_gt_s().br_if(1);
  rowPointer(c, PX[0]!, X, N_, 0);
  firstColumn(c);
  columnLoop(c, 1, 2);
  columnLoop(c, 1, 1);
  c.get(N_).i32_const(1).i32_add().set(N_);
  c.br(0).end().end();
  return c;
}

/**
 * The slice of the WebAssembly JS API used here, typed locally: the repository's TypeScript
 * lib set (ES2022, no DOM) does not declare the WebAssembly globals that Node provides.
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const WASM_API = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Instance {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  dots: (X: number, Y: number, out: number, ld: number, nY: number, w: number, j0: number, j1: number, r0: number, r1: number, upper: number) => void;
}

/** Why the SIMD kernel is not in use (null when it is): disabled, or the engine refused it. */
export let wasmUnavailableReason: string | null = null;

function instantiate(): Instance | null {
  if (WASM_API === undefined) {
    wasmUnavailableReason = 'no WebAssembly in this runtime';
    return null;
  }
  if (typeof process === 'object' && process.env.HSR_NO_WASM === '1') {
    wasmUnavailableReason = 'disabled by HSR_NO_WASM=1';
    return null;
  }
  try {
    const bytes = buildModule([{ name: 'dots', params: new Array<number>(11).fill(I32), locals: LOCALS, body: dotsBody() }], 1);
    return new WASM_API.Instance(new WASM_API.Module(bytes)).exports as Instance;
  } catch (error) {
    wasmUnavailableReason = `WebAssembly SIMD module rejected: ${(error as Error).message}`;
    return null;
  }
}

const wasm = instantiate();

/** Grow the module's memory to at least `bytes`; returns a Float64Array view of all of it. */
function view(instance: Instance, bytes: number): Float64Array {
  const have = instance.memory.buffer.byteLength;
  if (have < bytes) instance.memory.grow(Math.ceil((bytes - have) / 65536));
  return new Float64Array(instance.memory.buffer);
}

/**
 * Same contract as kernels.ts `rowDotProducts` (out[n * ldOut + m] += X_n . Y_m for n in
 * [r0, r1), m in [0, nY), only m >= n and mirrored with `upper`), computed by the SIMD module.
 * Cost (r1 - r0) nY w multiply-adds (half with `upper`) plus copying X, Y and the touched rows
 * of out in and out of linear memory.
 */
function rowDotProductsWasm(instance: Instance, Xs: Float64Array, Ys: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean, chunk: number): void {
  if (r1 <= r0) return;
  const same = Xs === Ys;
  const xLen = (same ? Math.max(r1, nY) : r1) * w;
  const yLen = same ? 0 : nY * w;
  const oStart = r0 * ldOut;
  const oLen = (r1 - 1 - r0) * ldOut + nY;
  const xOff = 0;
  const yOff = same ? 0 : xLen;
  const oOff = xLen + yLen;
  const mem = view(instance, (oOff + oLen) * 8);
  mem.set(Xs.subarray(0, xLen), xOff);
  if (!same) mem.set(Ys.subarray(0, yLen), yOff);
  mem.set(out.subarray(oStart, oStart + oLen), oOff);
  // The module indexes out from row 0; shift its base so that row r0 lands at oOff.
  const outBase = (oOff - oStart) * 8;
  for (let j0 = 0; j0 < w; j0 += chunk) instance.dots(xOff * 8, yOff * 8, outBase, ldOut, nY, w, j0, Math.min(w, j0 + chunk), r0, r1, upper ? 1 : 0);
  out.set(mem.subarray(oOff, oOff + oLen), oStart);
  if (upper) for (let n = r0; n < r1; n++) for (let m = n + 1; m < nY; m++) out[m * ldOut + n] = out[n * ldOut + m]!;
}

export type RowDotProducts = (X: Float64Array, Y: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean, chunk: number) => void;

/**
 * The SIMD rowDotProducts (inner dimension in chunks of `chunk`, which must be even so that
 * the lane split is the same in every chunk), or null when WebAssembly SIMD is unavailable or
 * disabled (HSR_NO_WASM=1, for comparing against the JavaScript kernel end to end).
 */
export const wasmRowDotProducts: RowDotProducts | null = wasm === null ? null : (...args) => rowDotProductsWasm(wasm, ...args);
