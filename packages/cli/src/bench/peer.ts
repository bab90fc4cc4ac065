/**
 * `pnpm bench --peer torch`: hsr's U + grad U against the PyTorch peer (tools/peer/torch_peer.py:
 * the same closed form written with batched matmul and autograd) on the four two-layer cases and
 * the two deep cases of the docs/performance.md table, in one run, each side in its own process;
 * and the G multiply-adds/s of hsr's gemm kernel against torch.mm and numpy.dot (OpenBLAS) on the
 * shapes the closed forms use.
 *
 * Protocol: seeded tanh networks with biases, mean loss, full Hessian; a warm-up
 * (at least 3 calls and 1 s on both sides: V8 needs tens of calls to compile a small case's hot
 * code), then the median of REPEATS calls (wall clock, and CPU time), in ROUNDS alternating
 * rounds of hsr (one thread), hsr (two threads) and the peer, each side keeping its smallest
 * median (other load only ever slows a round down). hsr runs its public
 * API (`boundGradient(..., 'upper', { threads })`) with one thread and with two; the peer with
 * OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(1). U and grad U are compared between the
 * two sides, and hsr's one- and two-thread gradients bit for bit. The deep rows (three linear
 * layers) run `deepBoundGradient(..., 'upper')`, which has one thread only, against the peer's
 * depth-general closed form (deep_traces: per-layer Grams and per-sample Lambda, X, G stacks,
 * never a P x P matrix). A U or grad U that differs from the peer's by more than RTOL_VS_PEER
 * marks the row FAIL and the run exits 1. Before the deep rows the peer checks itself against
 * torch's own dense Hessian (torch_peer.py --self-check, tiny nets at L = 2, 3, 4): the deep
 * rows are only timed when that check passes (RTOL_VS_DENSE for T1, T2, U, RTOL_GRADIENT_VS_GOLDEN
 * for grad U). The check lives here rather than in a vitest test because only the bench needs
 * torch: CI has none, and a test that skips there would never run where it matters.
 * The peer needs Debian's /usr/bin/python3 with torch (override with HSR_PEER_PYTHON); without
 * it the section says so and is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RTOL_GRADIENT_VS_GOLDEN, RTOL_VS_DENSE, RTOL_VS_PEER } from '@hsr/crosscheck/tolerances';
import { DEFAULT_VARIANT, allLayers, boundGradient, createRng, deepBoundGradient, initLayeredModel, initModel, layeredParameterCount, parameterCount, type Dataset, type LayeredModel, type Model } from '@hsr/numeric';
import { arenaAlloc, arenaMark, arenaRelease, gemm, gemmJs } from '@hsr/numeric/internal';
import { loadMnist } from '@hsr/io';
import { renderTable } from '../output.ts';

export interface PeerCase {
  readonly name: string;
  /** d, the hidden widths, c: three entries = the two-layer network (boundGradient), more = deep/. */
  readonly widths: readonly number[];
  readonly N: number;
  readonly mnist: boolean;
}

export const PEER_CASES: readonly PeerCase[] = [
  { name: '30-28-5, N = 128', widths: [30, 28, 5], N: 128, mnist: false },
  { name: '100-90-10, N = 128', widths: [100, 90, 10], N: 128, mnist: false },
  { name: '784-128-10, N = 128 (MNIST)', widths: [784, 128, 10], N: 128, mnist: true },
  { name: '784-128-10, N = 512 (MNIST)', widths: [784, 128, 10], N: 512, mnist: true },
  // The deep rows: bench/cases.ts's P~1000-deep and mnist-deep (same weights, same data).
  { name: '30-20-20-5, N = 128 (deep)', widths: [30, 20, 20, 5], N: 128, mnist: false },
  { name: '784-128-128-10, N = 128 (MNIST, deep)', widths: [784, 128, 128, 10], N: 128, mnist: true },
];

export function isDeepCase(pc: PeerCase): boolean {
  return pc.widths.length > 3;
}
const REPEATS = 5;
/** Alternating rounds of the three sides per case; each side reports its smallest median. */
const ROUNDS = 2;
/** Shapes (M x K x N) for the kernel comparison: square, the A-bar tile, the K^x block, the final W gradient. */
const GEMM_SHAPES: readonly [number, number, number][] = [
  [512, 512, 512],
  [32, 512, 8256],
  [512, 785, 32],
  [128, 512, 785],
];
const PEER_SCRIPT = fileURLToPath(new URL('../../../../tools/peer/torch_peer.py', import.meta.url));

export type PeerSetup = { deep: false; model: Model; data: Dataset } | { deep: true; model: LayeredModel; data: Dataset };

/** The case's model and data, built as bench/cases.ts builds its configurations. */
export function peerSetup(pc: PeerCase): PeerSetup {
  const d = pc.widths[0]!;
  const c = pc.widths[pc.widths.length - 1]!;
  let data: Dataset;
  if (pc.mnist) data = loadMnist({ samples: pc.N, seed: 0 }).data;
  else {
    const rng = createRng(2);
    const X = Float64Array.from({ length: pc.N * d }, () => rng.normal());
    const y = Int32Array.from({ length: pc.N }, (_, n) => n % c);
    data = { samples: pc.N, features: d, X, y };
  }
  if (isDeepCase(pc)) return { deep: true, model: initLayeredModel({ activation: 'tanh', widths: pc.widths, bias: true, seed: 1 }), data };
  return { deep: false, model: initModel({ activation: 'tanh', inputDim: d, hiddenDim: pc.widths[1]!, classes: c, bias: true, seed: 1 }), data };
}

/** What torch_peer.py reads: the two-layer W, b, V, a, or the deep `layers` (each [W | b] row-major), and the data. */
export function peerCaseJson(s: PeerSetup): string {
  const { data } = s;
  const common = { activation: 'tanh', d: data.features, X: Array.from(data.X), y: Array.from(data.y) };
  if (s.deep) {
    if (s.model.activations.some((a) => a !== 'tanh')) throw new Error('the peer is written for tanh');
    return JSON.stringify({ ...common, layers: s.model.layers.map((layer) => ({ inputs: layer.inputs, outputs: layer.outputs, W: Array.from(layer.W), b: Array.from(layer.b!) })) });
  }
  const m = s.model;
  return JSON.stringify({ ...common, h: m.hiddenDim, c: m.classes, W: Array.from(m.W), b: Array.from(m.b!), V: Array.from(m.V), a: Array.from(m.a!) });
}

/** P of the case's network. */
export function peerParameters(s: PeerSetup): number {
  return s.deep ? layeredParameterCount(s.model) : parameterCount(s.model);
}

/**
 * U and grad U of the two sides compared: |U - U_peer| / |U|, and the largest |g - g_peer| over the
 * largest |g| (an entry that is small only by cancellation is judged on the gradient's scale);
 * `ok` when both are within RTOL_VS_PEER.
 */
export function comparePeer(U: number, gradient: ArrayLike<number>, peerU: number, peerGradient: ArrayLike<number>): { uRel: number; gradRel: number; ok: boolean } {
  if (gradient.length !== peerGradient.length) return { uRel: Number.NaN, gradRel: Number.NaN, ok: false };
  const uRel = Math.abs(peerU - U) / Math.abs(U);
  let worst = 0;
  let scale = 0;
  for (let j = 0; j < gradient.length; j++) {
    worst = Math.max(worst, Math.abs(peerGradient[j]! - gradient[j]!));
    scale = Math.max(scale, Math.abs(gradient[j]!));
  }
  const gradRel = worst / scale;
  // Written so that NaN fails.
  return { uRel, gradRel, ok: uRel <= RTOL_VS_PEER && gradRel <= RTOL_VS_PEER };
}

/** One row of torch_peer.py --self-check: relative errors of the deep peer against torch's dense Hessian. */
export interface SelfCheckRow {
  widths: number[];
  N: number;
  P: number;
  T1: number;
  T2: number;
  U: number;
  gradient: number;
  twoLayerU?: number;
}

/**
 * The self-check judged: T1, T2, U (and at L = 2 the two-layer peer's U) within RTOL_VS_DENSE of
 * the dense Hessian's, grad U within RTOL_GRADIENT_VS_GOLDEN (a third derivative through
 * autograd); every depth 2, 3, 4 present. Returns the worst errors and what failed.
 */
export function judgeSelfCheck(rows: readonly SelfCheckRow[]): { worst: { value: number; gradient: number }; failures: string[] } {
  const failures: string[] = [];
  let value = 0;
  let gradient = 0;
  for (const depth of [2, 3, 4]) if (!rows.some((r) => r.widths.length - 1 === depth)) failures.push(`no L = ${depth} net`);
  for (const r of rows) {
    const net = r.widths.join('-');
    const values: [string, number | undefined][] = [
      ['T1', r.T1],
      ['T2', r.T2],
      ['U', r.U],
      ['two-layer U', r.twoLayerU],
    ];
    for (const [name, e] of values) {
      if (e === undefined) continue;
      value = Math.max(value, e);
      if (!(e <= RTOL_VS_DENSE)) failures.push(`${net}: ${name} off by ${e.toExponential(1)} > RTOL_VS_DENSE`);
    }
    gradient = Math.max(gradient, r.gradient);
    if (!(r.gradient <= RTOL_GRADIENT_VS_GOLDEN)) failures.push(`${net}: grad U off by ${r.gradient.toExponential(1)} > RTOL_GRADIENT_VS_GOLDEN`);
  }
  return { worst: { value, gradient }, failures };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

/**
 * Calls until at least WARM_UP_CALLS calls and WARM_UP_MS of them have run: V8 compiles hot
 * JavaScript and wasm in tiers, and a small case takes tens of calls to reach its steady speed
 * (the peer gets the same warm-up, torch_peer.py --warmup-ms).
 */
function warmUp(run: () => unknown): void {
  const t0 = performance.now();
  for (let i = 0; i < 200 && (i < WARM_UP_CALLS || performance.now() - t0 < WARM_UP_MS); i++) run();
}
const WARM_UP_CALLS = 3;
const WARM_UP_MS = 1000;

/** Child process: time hsr's U + grad U on one case; write the gradient to `gradPath`. */
export function peerChild(caseIndex: number, threads: number, gradPath: string): void {
  const s = peerSetup(PEER_CASES[caseIndex]!);
  let run: () => { value: number; gradient: Float64Array };
  if (s.deep) {
    if (threads !== 1) throw new Error('the deep path runs on one thread');
    const variant = { reduction: DEFAULT_VARIANT.reduction, curvature: DEFAULT_VARIANT.curvature, layers: allLayers(s.model) };
    run = () => deepBoundGradient(s.model, s.data, variant, 'upper');
  } else run = () => boundGradient(s.model, s.data, DEFAULT_VARIANT, 'upper', { threads });
  warmUp(run);
  const wall: number[] = [];
  const cpu: number[] = [];
  let last = run();
  for (let i = 0; i < REPEATS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = run();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  writeFileSync(gradPath, Buffer.from(last.gradient.buffer, last.gradient.byteOffset, last.gradient.byteLength));
  process.stdout.write(`${JSON.stringify({ ms: median(wall), cpuMs: median(cpu), U: last.value, peakMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

/** Child process: G multiply-adds/s of hsr's gemm (SIMD and JavaScript) on GEMM_SHAPES, one thread. */
export function kernelChild(): void {
  const out: { shape: [number, number, number]; wasm: number; js: number }[] = [];
  for (const [M, K, N] of GEMM_SHAPES) {
    const mark = arenaMark();
    const A = arenaAlloc(M * K);
    const B = arenaAlloc(K * N);
    const C = arenaAlloc(M * N);
    for (let i = 0; i < A.length; i++) A[i] = Math.sin(i);
    for (let i = 0; i < B.length; i++) B[i] = Math.cos(i);
    const rate = (f: () => void) => {
      f();
      const ts: number[] = [];
      let total = 0;
      while (ts.length < 7 || (total < 300 && ts.length < 200)) {
        const t0 = performance.now();
        f();
        const t = performance.now() - t0;
        ts.push(t);
        total += t;
      }
      return (M * K * N) / median(ts) / 1e6;
    };
    const wasm = rate(() => gemm(A, 0, K, B, 0, N, C, 0, N, M, N, K, 'wasm'));
    // The JavaScript reference on a slice (its rate does not depend on M).
    const m = Math.min(M, 32);
    const jsRows = rate(() => gemmJs(A, 0, K, B, 0, N, C, 0, N, m, N, K));
    out.push({ shape: [M, K, N], wasm, js: (jsRows * m) / M });
    arenaRelease(mark);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

interface PeerPython {
  python: string;
  torch: string;
}

/** Debian's python3 with torch, or why not. */
export function findPeerPython(): PeerPython | string {
  const python = process.env.HSR_PEER_PYTHON ?? '/usr/bin/python3';
  const r = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${python} not found (${r.error.message})`;
  if (r.status !== 0) return `${python} cannot import torch and numpy (${(r.stderr ?? '').trim().split('\n').pop()})`;
  return { python, torch: r.stdout.trim() };
}

function runNode(args: string[]): { ok: true; value: unknown } | { ok: false; why: string } {
  const script = fileURLToPath(new URL('./main.ts', import.meta.url));
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...args], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 26 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status === 0 && (line.startsWith('{') || line.startsWith('['))) return { ok: true, value: JSON.parse(line) };
  return { ok: false, why: r.error?.message ?? (r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}` };
}

const PEER_ENV = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function runPython(py: PeerPython, args: string[]): { ok: true; value: unknown } | { ok: false; why: string } {
  const r = spawnSync(py.python, [PEER_SCRIPT, ...args], { encoding: 'utf8', timeout: 600_000, env: PEER_ENV });
  if (r.status === 0) return { ok: true, value: null };
  return { ok: false, why: r.error?.message ?? (r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}` };
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${ms.toPrecision(3)} ms`;
}

/**
 * The whole `--peer torch` section: its text, the measurements for --json, and whether a check
 * failed (hsr and the peer disagreeing beyond RTOL_VS_PEER, or the peer's self-check).
 */
export function peerBench(json: boolean): { text: string; results: unknown; failed: boolean } {
  const log = (s: string) => {
    if (!json) process.stderr.write(s);
  };
  const load0 = loadavg()[0]!;
  const py = findPeerPython();
  const head = `pnpm bench --peer torch: ${cpus().length} CPUs, load average ${load0.toFixed(2)} at start, Node ${process.version}, ${typeof py === 'string' ? 'no peer' : `torch ${py.torch} (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1))`}\n`;
  log(head);
  const dir = mkdtempSync(join(tmpdir(), 'hsr-peer-'));
  const rows: (string | number)[][] = [
    ['case', 'P', 'hsr 1 thread', 'hsr 2 threads', 'peer (torch, 1 thread)', 'hsr 1t / peer', 'hsr 2t / peer', 'cpu hsr 1t / peer', 'U rel. diff', 'grad max rel. diff', '1t = 2t bits', 'peak MB hsr 1t / 2t / peer'],
  ];
  const results: unknown[] = [];
  const notes: string[] = [];
  let failed = false;
  let selfCheckLine = '';
  // The deep peer against torch's dense Hessian, once, before any deep row is timed.
  let deepPeerOk = false;
  try {
    if (typeof py !== 'string') {
      log('  peer self-check against torch.autograd.functional.hessian ...\n');
      const out = join(dir, 'self-check.json');
      const r = runPython(py, ['--self-check', out]);
      if (r.ok) {
        const rows = JSON.parse(readFileSync(out, 'utf8')) as SelfCheckRow[];
        const judged = judgeSelfCheck(rows);
        deepPeerOk = judged.failures.length === 0;
        selfCheckLine = `Peer self-check (torch_peer.py --self-check): deep_traces and its autograd gradient against torch.autograd.functional.hessian of F.cross_entropy on ${rows.map((r) => r.widths.join('-')).join(', ')} (N = 6, tanh, biases, mean): worst T1 / T2 / U rel. error ${judged.worst.value.toExponential(1)} (RTOL_VS_DENSE = ${RTOL_VS_DENSE}), grad U ${judged.worst.gradient.toExponential(1)} (RTOL_GRADIENT_VS_GOLDEN = ${RTOL_GRADIENT_VS_GOLDEN}): ${deepPeerOk ? 'ok' : `FAIL (${judged.failures.join('; ')})`}\n`;
        results.push({ selfCheck: rows, ok: deepPeerOk });
      } else {
        selfCheckLine = `Peer self-check (torch_peer.py --self-check): FAIL (${r.why})\n`;
        results.push({ selfCheck: null, ok: false, why: r.why });
      }
      if (!deepPeerOk) {
        failed = true;
        notes.push('the deep rows were not run against the peer: its self-check failed');
      }
    }
    PEER_CASES.forEach((pc, i) => {
      type Side = { ms: number; cpuMs: number; U: number; peakMB: number };
      type PeerSide = Side & { gradient: number[] };
      const deep = isDeepCase(pc);
      const setup = peerSetup(pc);
      const P = peerParameters(setup);
      let casePath: string | null = null;
      if (typeof py !== 'string' && (!deep || deepPeerOk)) {
        casePath = join(dir, `case${i}.json`);
        writeFileSync(casePath, peerCaseJson(setup));
      }
      // ROUNDS alternating rounds of (hsr 1 thread, hsr 2 threads, peer); each side keeps its
      // smallest median: other load on the machine only ever slows a round down.
      const best: [Side | null, Side | null, PeerSide | null] = [null, null, null];
      const keep = <T extends Side>(k: 0 | 1 | 2, r: T | null) => {
        if (r && (best[k] === null || r.ms < best[k]!.ms)) (best as (Side | null)[])[k] = r;
      };
      for (let round = 0; round < ROUNDS; round++) {
        // deepBoundGradient has no threads option: the deep rows have one hsr column.
        for (const threads of deep ? ([1] as const) : ([1, 2] as const)) {
          log(`  round ${round + 1}: hsr ${pc.name}, ${threads} thread${threads > 1 ? 's' : ''} ...\n`);
          const r = runNode(['--peer-child', String(i), String(threads), join(dir, `g${i}-${threads}-${round}.bin`)]);
          if (r.ok) keep(threads === 1 ? 0 : 1, r.value as Side);
          else notes.push(`hsr ${pc.name} (${threads} threads, round ${round + 1}): ${r.why}`);
        }
        if (casePath !== null && typeof py !== 'string') {
          log(`  round ${round + 1}: peer ${pc.name} ...\n`);
          const out = join(dir, `peer${i}-${round}.json`);
          const r = runPython(py, [casePath, out, '--repeat', String(REPEATS), '--warmup-ms', String(WARM_UP_MS)]);
          if (r.ok) keep(2, JSON.parse(readFileSync(out, 'utf8')) as PeerSide);
          else notes.push(`peer ${pc.name} (round ${round + 1}): ${r.why}`);
        }
      }
      const hsr = [best[0], best[1]];
      const peer = best[2] as PeerSide | null;
      // Gradients are the same in every round (the same bits); compare round 1's.
      const grad = (threads: number) => (existsSync(join(dir, `g${i}-${threads}-0.bin`)) ? new Float64Array(readFileSync(join(dir, `g${i}-${threads}-0.bin`)).buffer.slice(0)) : null);
      const g1 = grad(1);
      const g2 = grad(2);
      let uDiff = '-';
      let gDiff = '-';
      if (peer && hsr[0] && g1) {
        const cmp = comparePeer(hsr[0].U, g1, peer.U, peer.gradient);
        const mark = cmp.ok ? '' : ' FAIL';
        uDiff = `${cmp.uRel.toExponential(1)}${cmp.uRel <= RTOL_VS_PEER ? '' : mark}`;
        gDiff = `${cmp.gradRel.toExponential(1)}${cmp.gradRel <= RTOL_VS_PEER ? '' : mark}`;
        if (!cmp.ok) {
          failed = true;
          notes.push(`${pc.name}: hsr and the peer disagree beyond RTOL_VS_PEER = ${RTOL_VS_PEER} (U ${cmp.uRel.toExponential(1)}, grad U ${cmp.gradRel.toExponential(1)})`);
        }
      }
      const same = g1 && g2 ? (g1.every((x, j) => Object.is(x, g2[j]!)) ? 'yes' : 'NO') : '-';
      if (same === 'NO') failed = true;
      const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}x` : '-');
      rows.push([
        pc.name,
        P,
        hsr[0] ? fmtMs(hsr[0].ms) : 'failed',
        hsr[1] ? fmtMs(hsr[1].ms) : deep ? '-' : 'failed',
        peer ? fmtMs(peer.ms) : typeof py === 'string' ? 'skipped' : 'failed',
        ratio(hsr[0]?.ms, peer?.ms),
        ratio(hsr[1]?.ms, peer?.ms),
        ratio(hsr[0]?.cpuMs, peer?.cpuMs),
        uDiff,
        gDiff,
        same,
        [hsr[0]?.peakMB, hsr[1]?.peakMB, peer?.peakMB].map((m) => (m === undefined ? '-' : m.toFixed(0))).join(' / '),
      ]);
      results.push({
        case: pc.name,
        P,
        hsr1: hsr[0],
        hsr2: hsr[1],
        peer: peer ? { ms: peer.ms, cpuMs: peer.cpuMs, U: peer.U, peakMB: peer.peakMB } : null,
        deep,
        uRelDiff: uDiff,
        gradMaxRelDiff: gDiff,
        bitIdenticalThreads: same,
      });
    });
    log('  kernels ...\n');
    const k = runNode(['--kernel-child']);
    const kernelRows: (string | number)[][] = [['M x K x N', 'hsr wasm SIMD', 'hsr JavaScript', 'torch.mm', 'numpy.dot', 'hsr wasm / torch']];
    const kernels = k.ok ? (k.value as { shape: [number, number, number]; wasm: number; js: number }[]) : [];
    if (!k.ok) notes.push(`kernels: ${k.why}`);
    for (const kr of kernels) {
      let blas: { torch: number; numpy: number } | null = null;
      if (typeof py !== 'string') {
        const out = join(dir, `gemm-${kr.shape.join('x')}.json`);
        const r = runPython(py, ['--gemm', ...kr.shape.map(String), out]);
        if (r.ok) blas = JSON.parse(readFileSync(out, 'utf8'));
      }
      kernelRows.push([kr.shape.join(' x '), kr.wasm.toFixed(1), kr.js.toFixed(2), blas ? blas.torch.toFixed(1) : '-', blas ? blas.numpy.toFixed(1) : '-', blas ? `${(kr.wasm / blas.torch).toFixed(2)}` : '-']);
    }
    results.push({ kernels });
    let text = `\n${head}${selfCheckLine}U + grad U (tanh, biases, mean loss, full Hessian): median of ${REPEATS} calls after a warm-up of >= ${WARM_UP_CALLS} calls and ${WARM_UP_MS / 1000} s, wall clock; each side in its own process, the smaller median of ${ROUNDS} alternating rounds; (deep) rows: deepBoundGradient, one thread; U and grad U must agree to RTOL_VS_PEER = ${RTOL_VS_PEER}\n${renderTable(rows)}`;
    text += `\nKernels: G multiply-adds per second, one thread, float64 C += A B (hsr: gemmKernel.ts; torch.mm and numpy.dot on OpenBLAS)\n${renderTable(kernelRows)}`;
    if (typeof py === 'string') text += `  note: the PyTorch peer was skipped: ${py}\n`;
    for (const n of notes) text += `  note: ${n}\n`;
    text += `\nload average ${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end on ${cpus().length} CPUs (above ~1 means other work shared the cores)\n`;
    return { text, results, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
