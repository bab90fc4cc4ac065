/**
 * The one dense kernel every contraction of the closed forms reduces to, as WebAssembly SIMD:
 *
 *   C_{rq} \mathrel{+}= \sum_{k=0}^{K-1} S_{rk}\,P_{kq}\qquad (r < M,\ q < N_c),
 *
 * with S read by rows (stride `lds`), P by rows of the inner index (stride `ldp`) and C by rows
 * (stride `ldc`), all strides in bytes. Gram matrices, weighted row sums and the feature-space
 * contractions are this product with different operands (kernels.ts).
 *
 * Micro-kernel (the register-blocked inner loop of a packed GEMM, after the BLIS/OpenBLAS
 * design): an MR x 4 block of C lives in MR x 2 two-lane accumulators for the whole inner loop;
 * each step loads one row of four from P (two v128 loads), broadcasts one S entry per row
 * (v128.load64_splat) and does 2 MR multiplies and 2 MR adds. MR = 4 (8 accumulators, 2 P
 * vectors, the broadcast: 11 of x64's 16 XMM registers) ran at 11-15 G multiply-adds/s on the
 * development machine; MR = 5 and 6 ran at 6-8, V8's register allocator spilling. Columns left
 * over are done two at a time, then one at a time with scalar f64 operations.
 *
 * Summation order (the contract every caller relies on): each C entry is accumulated as
 *   ((C_{rq} + S_{r0}P_{0q}) + S_{r1}P_{1q}) + \dots + S_{r,K-1}P_{K-1,q},
 * each product rounded, then added, k ascending; no fused multiply-add (wasm SIMD 128 has none).
 * That is the textbook loop's order exactly, whatever MR, the column block or the lane an entry
 * falls in, so (i) the JavaScript reference of kernels.ts gives the same bits, (ii) splitting
 * rows, columns or the inner index between calls (accumulating into C) gives the same bits,
 * and (iii) therefore threads and tiles never change a result.
 *
 * Cost M N_c K multiply-adds; no allocation. The module imports the process's shared memory
 * (arena.ts), so every thread runs it on the same bytes.
 */
import { Code, I32, V128, F64, buildModule, type ImportedMemory } from './wasmBuilder.ts';

/** Rows per micro-kernel block. */
export const MR = 4;

// Parameters (PK: this thread's scratch for a packed K x 4 panel of P, 32 K bytes).
const S = 0,
  LDS = 1,
  P = 2,
  LDP = 3,
  C = 4,
  LDC = 5,
  M = 6,
  NC = 7,
  K = 8,
  PK = 9;
// i32 locals (PB, PST: the panel the micro-kernel reads and its row stride).
const R0 = 10,
  Q0 = 11,
  KK = 12,
  PP = 13,
  PC = 14,
  PB = 15,
  PST = 16;
const PS = [17, 18, 19, 20];
// v128 locals.
const ACC = [21, 22, 23, 24, 25, 26, 27, 28]; // ACC[r * 2 + q]
const B = [29, 30];
const SPL = 31;
// f64 locals for the one-column tail.
const FACC = [32, 33, 34, 35];
const FB = 36;
const LOCALS = [...new Array<number>(11).fill(I32), ...new Array<number>(11).fill(V128), ...new Array<number>(5).fill(F64)];

/** One R x (2Q or 1) block at rows r0.., columns q0..; Q = 0 is the scalar one-column tail. */
function micro(c: Code, R: number, Q: number): void {
  for (let r = 0; r < R; r++) {
    c.get(S).get(R0);
    if (r) c.i32_const(r).i32_add();
    c.get(LDS).i32_mul().i32_add().set(PS[r]!);
  }
  c.get(PB).set(PP);
  // Accumulators start from C: the order is C + p_0 + p_1 + ..., as in the textbook loop.
  for (let r = 0; r < R; r++) {
    c.get(C).get(R0);
    if (r) c.i32_const(r).i32_add();
    c.get(LDC).i32_mul().i32_add().get(Q0).i32_const(3).i32_shl().i32_add().set(PC);
    if (Q === 0) c.get(PC).f64_load().set(FACC[r]!);
    for (let q = 0; q < Q; q++)
      c.get(PC)
        .v128_load(16 * q)
        .set(ACC[r * 2 + q]!);
  }
  c.get(K).set(KK);
  c.block().loop();
  c.get(KK).i32_eqz().br_if(1);
  if (Q === 0) c.get(PP).f64_load().set(FB);
  for (let q = 0; q < Q; q++)
    c.get(PP)
      .v128_load(16 * q)
      .set(B[q]!);
  for (let r = 0; r < R; r++) {
    if (Q === 0) {
      c.get(FACC[r]!).get(PS[r]!).f64_load().get(FB).f64_mul().f64_add().set(FACC[r]!);
    } else {
      c.get(PS[r]!).v128_load64_splat().set(SPL);
      for (let q = 0; q < Q; q++)
        c.get(ACC[r * 2 + q]!)
          .get(SPL)
          .get(B[q]!)
          .f64x2_mul()
          .f64x2_add()
          .set(ACC[r * 2 + q]!);
    }
    c.get(PS[r]!).i32_const(8).i32_add().set(PS[r]!);
  }
  c.get(PP).get(PST).i32_add().set(PP);
  c.get(KK).i32_const(1).i32_sub().set(KK);
  c.br(0).end().end();
  for (let r = 0; r < R; r++) {
    c.get(C).get(R0);
    if (r) c.i32_const(r).i32_add();
    c.get(LDC).i32_mul().i32_add().get(Q0).i32_const(3).i32_shl().i32_add().set(PC);
    if (Q === 0) c.get(PC).get(FACC[r]!).f64_store();
    for (let q = 0; q < Q; q++)
      c.get(PC)
        .get(ACC[r * 2 + q]!)
        .v128_store(16 * q);
  }
}

/** for (r0 = 0; r0 + MR <= M; r0 += MR) micro(MR); for (; r0 < M; r0++) micro(1). */
function rows(c: Code, Q: number): void {
  c.i32_const(0).set(R0);
  for (const R of [MR, 1]) {
    c.block().loop();
    c.get(R0).i32_const(R).i32_add().get(M).i32_gt_s().br_if(1);
    micro(c, R, Q);
    c.get(R0).i32_const(R).i32_add().set(R0);
    c.br(0).end().end();
  }
}

/** The panel of P at column q0, unpacked: PB = P + 8 q0, stride LDP. */
function unpackedPanel(c: Code): void {
  c.get(P).get(Q0).i32_const(3).i32_shl().i32_add().set(PB);
  c.get(LDP).set(PST);
}

/**
 * Copy the K x 4 panel of P at column q0 into PK (32 bytes per row), so that the M / MR
 * row blocks read it from contiguous, L1-resident memory: rows of P are often a stack's rows,
 * one page or more apart, and walking them costs a TLB miss per row per row block (BLIS packs
 * its B panels for the same reason). Copying changes no value.
 */
function packedPanel(c: Code): void {
  c.get(P).get(Q0).i32_const(3).i32_shl().i32_add().set(PP);
  c.get(PK).set(PC);
  c.get(K).set(KK);
  c.block().loop();
  c.get(KK).i32_eqz().br_if(1);
  c.get(PC).get(PP).v128_load(0).v128_store(0);
  c.get(PC).get(PP).v128_load(16).v128_store(16);
  c.get(PP).get(LDP).i32_add().set(PP);
  c.get(PC).i32_const(32).i32_add().set(PC);
  c.get(KK).i32_const(1).i32_sub().set(KK);
  c.br(0).end().end();
  c.get(PK).set(PB);
  c.i32_const(32).set(PST);
}

function gemmBody(): Code {
  const c = new Code();
  c.i32_const(0).set(Q0);
  // Columns four at a time, from a packed panel when more than one row block reads it.
  c.block().loop();
  c.get(Q0).i32_const(4).i32_add().get(NC).i32_gt_s().br_if(1);
  c.get(M).i32_const(MR).i32_gt_s().if_();
  packedPanel(c);
  c.else_();
  unpackedPanel(c);
  c.end();
  rows(c, 2);
  c.get(Q0).i32_const(4).i32_add().set(Q0);
  c.br(0).end().end();
  // Then two, then one.
  unpackedPanel(c);
  c.get(Q0).i32_const(2).i32_add().get(NC).i32_gt_s().i32_eqz().if_();
  rows(c, 1);
  c.get(Q0).i32_const(2).i32_add().set(Q0);
  c.end();
  unpackedPanel(c);
  c.get(Q0).get(NC).i32_lt_s().if_();
  rows(c, 0);
  c.end();
  return c;
}

/** The module's bytes: one function `gemm(S, lds, P, ldp, C, ldc, M, Nc, K, PK)` over an imported memory. */
export function gemmModuleBytes(memory: ImportedMemory): Uint8Array {
  return buildModule([{ name: 'gemm', params: new Array<number>(10).fill(I32), locals: LOCALS, body: gemmBody() }], memory);
}
