/**
 * The WebAssembly SIMD gemm of gemmKernel.ts, instantiated on the arena's shared memory
 * (arena.ts) in whichever thread asks first (each worker thread has its own instance on the
 * same memory). V8 does not vectorise the JavaScript loops of kernels.ts; here each instruction
 * multiplies or adds two doubles and an MR x 4 block of outputs stays in registers, about 11-15 G
 * multiply-adds per second per core on the development machine against ~1-2 for the best
 * JavaScript loop.
 *
 * Summation order: the textbook loop's (gemmKernel.ts), so this kernel and the JavaScript
 * reference `gemmJs` give the same bits (`parallel/wasmKernels.test.ts`).
 * When WebAssembly SIMD or shared memory is unavailable, or HSR_NO_WASM=1, `wasmGemm()` is null
 * and callers use the JavaScript kernels.
 */
import { WASM_API, arenaMemory, arenaUnavailableReason, isArenaView } from './arena.ts';
import { gemmModuleBytes } from './gemmKernel.ts';
import { CHUNK, rowDotProductsInto } from './kernels.ts';

/** gemm on byte addresses of the arena: C += S P (see gemmKernel.ts); PK is the calling thread's kernel scratch. */
export type WasmGemm = (S: number, lds: number, P: number, ldp: number, C: number, ldc: number, M: number, Nc: number, K: number, PK: number) => void;

/** Why the SIMD kernel is not in use (null when it is): disabled, or the engine refused it. */
export let wasmUnavailableReason: string | null = null;

let instance: WasmGemm | null | undefined;

function instantiate(): WasmGemm | null {
  if (typeof process === 'object' && process.env?.HSR_NO_WASM === '1') {
    wasmUnavailableReason = 'disabled by HSR_NO_WASM=1';
    return null;
  }
  const memory = arenaMemory();
  if (WASM_API === undefined || memory === null) {
    wasmUnavailableReason = arenaUnavailableReason() ?? 'no WebAssembly in this runtime';
    return null;
  }
  try {
    const bytes = gemmModuleBytes({ module: 'env', name: 'memory', initial: 1, maximum: 65535, shared: true });
    const exports = new WASM_API.Instance(new WASM_API.Module(bytes), { env: { memory } }).exports as { gemm: WasmGemm };
    return exports.gemm;
  } catch (error) {
    wasmUnavailableReason = `WebAssembly SIMD module rejected: ${(error as Error).message}`;
    return null;
  }
}

/** The SIMD gemm, or null (see wasmUnavailableReason). Instantiated on first use. */
export function wasmGemm(): WasmGemm | null {
  if (instance === undefined) instance = instantiate();
  return instance;
}

// Decide availability at load time so that `wasmUnavailableReason` is meaningful immediately.
wasmGemm();

export type RowDotProducts = (X: Float64Array, Y: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean, chunk: number) => void;

/**
 * kernels.ts `rowDotProducts` forced onto the SIMD kernel (for tests that compare it with the
 * JavaScript one), or null when the SIMD kernel is unavailable. `chunk` is the inner-dimension
 * block (a cache parameter; it does not change a bit).
 */
export const wasmRowDotProducts: RowDotProducts | null =
  wasmGemm() === null ? null : (X, Y, out, ldOut, nY, w, r0, r1, upper, chunk) => rowDotProductsInto(X, Y, out, ldOut, nY, w, r0, r1, upper, chunk > 0 ? chunk : CHUNK, 'wasm');

export { isArenaView };
