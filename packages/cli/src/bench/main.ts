/**
 * `pnpm bench [--json] [--quick | --deep]`: the closed forms against the routes they replace, measured
 * side by side in one run (issue 7). `pnpm bench --peer torch [--json]`: U + grad U against the
 * PyTorch peer and the gemm kernel against OpenBLAS (peer.ts).
 *
 *   U        closed form (hessianTraces) vs the assembled dense Hessian (denseHessian + matrixTraces)
 *   grad U   closed form (boundGradient) vs the autodiff oracle (@hsr/autodiff autodiffBoundGradient)
 *   step     one training step: plain vs hsr-step vs sam (the work train.ts does per step)
 *   lanczos  lambda_max / lambda_min at MNIST size from closed-form Hessian-vector products
 *   depth    U and U + grad U on the deep path (numeric deep/) at 784-128-10 (L = 2, beside the
 *            two-layer engine) and 784-128-128-10 (L = 3), on one core (node --single-threaded);
 *            the deep dense U measured at 30-20-20-5 and EXTRAPOLATED by N P^2 to 784-128-128-10
 *            (it needs P^2 x 8 B there); the deep training step plain vs hsr-step (`--deep`: only
 *            these rows)
 *
 * Every case runs in a fresh child process (`--child KIND SIZE`), so its peak resident set
 * (process.resourceUsage().maxRSS) is its own; "base" is the RSS after the data and model are
 * set up (Node + tsx + the data), so peak - base is what the computation itself adds.
 * Timing: one untimed warm-up call when the first call takes under 2 s, then the median of
 * repeated calls (at least 3, until ~1.5 s). Wall-clock and CPU time are both recorded; other
 * processes on the machine make the wall clock noisy, so compare ratios from the same run.
 * A side that would take over ~60 s is skipped, with the reason and an EXTRAPOLATION
 * (scaled from a measured smaller size; the scaling law used is printed) in its place.
 * The autodiff oracle is P equal tangent passes (one per parameter): each size first times
 * single passes (`gradU-autodiff-pass`, after one untimed warm-up pass), and where all P
 * would exceed ~60 s the oracle's cost is reported as P x (median time per pass), labelled
 * "measured m of P passes": a measurement at that size, not a scaling law.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatNumber, printJson, renderTable } from '../output.ts';
import { KINDS, SIZES, findAutodiff, prepare, setup, sizeLabel, sizeParameters, type Kind, type SizeName } from './cases.ts';
import { kernelChild, peerBench, peerChild } from './peer.ts';

interface Measurement {
  kind: Kind;
  size: SizeName;
  label: string;
  P: number;
  N: number;
  status: 'measured' | 'estimated' | 'skipped' | 'failed';
  /** Median wall-clock ms per call. */
  ms: number | null;
  /** Median CPU (user + system) ms per call. */
  cpuMs: number | null;
  runs: number;
  peakMB: number | null;
  baseMB: number | null;
  /** Extrapolated ms when skipped (null if no basis). */
  extrapolatedMs: number | null;
  /**
   * The full autodiff oracle as P x (median per tangent pass), the passes timed at this size
   * (status 'estimated'); null otherwise.
   */
  fromPasses: { ms: number; cpuMs: number; passes: number } | null;
  note: string;
}

const SKIP_ABOVE_MS = 60_000;
const CHILD_TIMEOUT_MS = 240_000;
/** One warm-up and two timed oracle passes at P~1000 take 75-135 s on a shared 2-core machine. */
const PASS_CHILD_TIMEOUT_MS = 600_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

async function child(kind: Kind, size: SizeName): Promise<void> {
  const s = setup(size);
  const prepared = await prepare(kind, s);
  const baseMB = process.memoryUsage().rss / 2 ** 20;
  const once = () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = prepared.work();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (!Number.isFinite(value)) throw new Error(`non-finite result ${value}`);
    return { ms, cpu: (c.user + c.system) / 1000 };
  };
  const first = once();
  const wall: number[] = [];
  const cpu: number[] = [];
  if (prepared.passes) {
    // The first pass was the warm-up; time at least two (equal units, so their median is the
    // per-pass cost), more while they are cheap.
    let total = 0;
    while (wall.length < 2 || (total < 1500 && wall.length < 20)) {
      const r = once();
      wall.push(r.ms);
      cpu.push(r.cpu);
      total += r.ms;
    }
  } else if (first.ms > 2000) {
    wall.push(first.ms);
    cpu.push(first.cpu);
  } else {
    let total = 0;
    while (wall.length < 3 || (total < 1500 && wall.length < 50)) {
      const r = once();
      wall.push(r.ms);
      cpu.push(r.cpu);
      total += r.ms;
    }
  }
  const peakMB = process.resourceUsage().maxRSS / 1024;
  const perRun = prepared.passes ? `; cpu per timed pass ${cpu.map((c) => formatSeconds(c)).join(', ')} (warm-up ${formatSeconds(first.cpu)})` : '';
  process.stdout.write(`${JSON.stringify({ ms: median(wall), cpuMs: median(cpu), runs: wall.length, peakMB, baseMB, note: (prepared.note ?? '') + perRun })}\n`);
}

function runChild(kind: Kind, size: SizeName): Measurement {
  const { P, N } = sizeParameters(size);
  const base = { kind, size, label: sizeLabel(size), P, N, extrapolatedMs: null, fromPasses: null };
  const script = fileURLToPath(import.meta.url);
  const timeout = kind === 'gradU-autodiff-pass' ? PASS_CHILD_TIMEOUT_MS : CHILD_TIMEOUT_MS;
  // The deep rows run on one core: no worker pool (the deep path has none) and no V8 helper threads
  // (--single-threaded: garbage collection and compilation on the main thread), so cpu ~ wall.
  const oneCore = kind.startsWith('deep') ? ['--single-threaded'] : [];
  const r = spawnSync(process.execPath, [...oneCore, ...process.execArgv, script, '--child', kind, size], { encoding: 'utf8', timeout, maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status === 0 && line.startsWith('{')) {
    const o = JSON.parse(line) as { ms: number; cpuMs: number; runs: number; peakMB: number; baseMB: number; note: string };
    return { ...base, status: 'measured', ms: o.ms, cpuMs: o.cpuMs, runs: o.runs, peakMB: o.peakMB, baseMB: o.baseMB, note: o.note };
  }
  const why = r.error ? `${r.error.message}` : ((r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}`);
  return { ...base, status: 'failed', ms: null, cpuMs: null, runs: 0, peakMB: null, baseMB: null, note: `failed: ${why}` };
}

function skipped(kind: Kind, size: SizeName, note: string, extrapolatedMs: number | null): Measurement {
  const { P, N } = sizeParameters(size);
  return { kind, size, label: sizeLabel(size), P, N, status: 'skipped', ms: null, cpuMs: null, runs: 0, peakMB: null, baseMB: null, extrapolatedMs, fromPasses: null, note };
}

/** The full oracle at `size` from its timed tangent passes: P x median per pass. */
function fromPasses(pass: Measurement, note: string): Measurement {
  const fromPasses = { ms: pass.P * pass.ms!, cpuMs: pass.P * pass.cpuMs!, passes: pass.runs };
  return { ...pass, kind: 'gradU-autodiff', status: 'estimated', ms: null, cpuMs: null, runs: 0, extrapolatedMs: null, fromPasses, note };
}

/**
 * The autodiff oracle at each size: first single tangent passes (one pass costs O(N c P^2), so
 * it is skipped once the P^2 extrapolation of a pass passes the limit), then the full oracle if
 * P x (time per pass) fits the limit, else P x (time per pass) as the result.
 */
function autodiffSweep(sizes: SizeName[], log: (m: Measurement) => void, gate: () => string | null): Measurement[] {
  const out: Measurement[] = [];
  let passBasis: Measurement | null = null;
  let fullBasis: { size: SizeName; P: number; ms: number } | null = null;
  const push = (m: Measurement) => {
    log(m);
    out.push(m);
  };
  for (const size of sizes) {
    const { P } = sizeParameters(size);
    const why = gate();
    if (why) {
      push(skipped('gradU-autodiff-pass', size, why, null));
      push(skipped('gradU-autodiff', size, why, null));
      continue;
    }
    const passExtrapolated: number | null = passBasis ? passBasis.ms! * (P / passBasis.P) ** 2 : null;
    const pass: Measurement =
      passExtrapolated !== null && passExtrapolated > SKIP_ABOVE_MS
        ? skipped('gradU-autodiff-pass', size, `skipped: one pass EXTRAPOLATED ${formatSeconds(passExtrapolated)} > 60 s (from ${passBasis!.size} by N c P^2 per pass)`, passExtrapolated)
        : runChild('gradU-autodiff-pass', size);
    push(pass);
    let full: Measurement;
    if (pass.status === 'measured') {
      passBasis = pass;
      const total = P * pass.ms!;
      full = total > SKIP_ABOVE_MS ? fromPasses(pass, `full oracle not run: P x one pass = ${formatSeconds(total)} > 60 s; measured ${pass.runs} of ${P} passes (${pass.note})`) : runChild('gradU-autodiff', size);
    } else {
      const extrapolated = fullBasis ? fullBasis.ms * (P / fullBasis.P) ** 3 : null;
      full = skipped('gradU-autodiff', size, extrapolated !== null ? `skipped: EXTRAPOLATED ${formatSeconds(extrapolated)} > 60 s (from ${fullBasis!.size} by N P^3, its documented cost)` : pass.note, extrapolated);
    }
    push(full);
    const fullMs = full.ms ?? full.fromPasses?.ms ?? null;
    if (fullMs !== null) fullBasis = { size, P, ms: fullMs };
  }
  return out;
}

/** Measure `kind` at each size in order; skip once the extrapolation passes the limit. */
function sweep(kind: Kind, sizes: SizeName[], scaling: { exponent: number; law: string } | null, log: (m: Measurement) => void, gate?: (size: SizeName) => string | null): Measurement[] {
  const out: Measurement[] = [];
  let basis: Measurement | null = null;
  for (const size of sizes) {
    const { P } = sizeParameters(size);
    const why = gate?.(size) ?? null;
    const extrapolated = scaling && basis && basis.ms !== null ? basis.ms * (P / basis.P) ** scaling.exponent : null;
    let m: Measurement;
    if (why) m = skipped(kind, size, why, extrapolated);
    else if (extrapolated !== null && extrapolated > SKIP_ABOVE_MS) {
      m = skipped(kind, size, `skipped: EXTRAPOLATED ${formatSeconds(extrapolated)} > 60 s (from ${basis!.size} by ${scaling!.law})`, extrapolated);
    } else m = runChild(kind, size);
    if (m.status === 'measured') basis = m;
    log(m);
    out.push(m);
  }
  return out;
}

function formatSeconds(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toPrecision(3)} h`;
  return ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${ms.toPrecision(3)} ms`;
}

function passesLabel(m: Measurement): string {
  return `(measured ${m.fromPasses!.passes} of ${m.P} passes)`;
}

function cell(m: Measurement | undefined): string {
  if (!m) return '-';
  if (m.ms !== null) return formatSeconds(m.ms);
  if (m.fromPasses !== null) return `${formatSeconds(m.fromPasses.ms)} ${passesLabel(m)}`;
  if (m.extrapolatedMs !== null) return `~${formatSeconds(m.extrapolatedMs)} (extrap.)`;
  return m.status;
}

function mem(m: Measurement | undefined): string {
  return m && m.peakMB !== null ? `${m.peakMB.toFixed(0)} (${m.baseMB!.toFixed(0)})` : '-';
}

function cpuCell(m: Measurement | undefined): string {
  if (m?.fromPasses) return formatSeconds(m.fromPasses.cpuMs);
  return m && m.cpuMs !== null ? formatSeconds(m.cpuMs) : '-';
}

function cpuRatio(num: Measurement | undefined, den: Measurement | undefined): string {
  if (!num || !den || den.cpuMs === null) return '-';
  if (num.fromPasses) return `${(num.fromPasses.cpuMs / den.cpuMs).toPrecision(3)}x`;
  if (num.cpuMs === null) return '-';
  return `${(num.cpuMs / den.cpuMs).toPrecision(3)}x`;
}

function ratio(num: Measurement | undefined, den: Measurement | undefined): string {
  if (!num || !den || den.ms === null) return '-';
  if (num.ms !== null) return `${(num.ms / den.ms).toPrecision(3)}x`;
  if (num.fromPasses !== null) return `${(num.fromPasses.ms / den.ms).toPrecision(3)}x ${passesLabel(num)}`;
  if (num.extrapolatedMs !== null) return `~${(num.extrapolatedMs / den.ms).toPrecision(3)}x (extrap.)`;
  return '-';
}

async function parent(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const deepOnly = argv.includes('--deep');
  const log = (m: Measurement) => {
    if (!json)
      process.stderr.write(`  ${m.kind.padEnd(19)} ${m.size.padEnd(8)} ${m.status === 'measured' ? formatSeconds(m.ms!) : m.status === 'estimated' ? `${formatSeconds(m.fromPasses!.ms)} ${passesLabel(m)}` : m.note}\n`);
  };
  const started = new Date().toISOString();
  const load0 = loadavg()[0]!;
  if (!json) process.stderr.write(`pnpm bench: ${cpus().length} CPUs, load average ${load0.toFixed(2)}, Node ${process.version}\n`);
  const sweepSizes: SizeName[] = quick ? ['P~100', 'P~1000'] : ['P~100', 'P~1000', 'P~10000', 'mnist'];
  const autodiff = await findAutodiff();
  const autodiffGate = () => (typeof autodiff === 'string' ? `skipped: ${autodiff}` : null);
  const denseGate = (size: SizeName) => {
    const { P } = sizeParameters(size);
    const gb = (P * P * 8) / 2 ** 30;
    return gb > 4 ? `skipped: the dense Hessian needs P^2 x 8 B = ${gb.toFixed(0)} GiB` : null;
  };
  const results: Measurement[] = [];
  if (!deepOnly) twoLayerRows(sweepSizes, quick, results, log, autodiffGate, denseGate);
  if (!quick) results.push(...depthRows(results, log));
  const find = (kind: Kind, size: SizeName) => results.find((r) => r.kind === kind && r.size === size);

  if (json) {
    printJson({ started, cpus: cpus().length, loadAverage: load0, node: process.version, skipAboveMs: SKIP_ABOVE_MS, results });
    return;
  }
  let out = `\nU = WS upper bound on lambda_max (tanh, biases, mean, full Hessian). Times: median wall clock per call (and CPU time, less sensitive to other load); memory: peak RSS MB (RSS after setup).\n\n`;
  if (!deepOnly) out += twoLayerTables(sweepSizes, quick ? ['iris'] : ['iris', 'mnist'], find);
  if (!quick) out += depthTable(find);
  const loadEnd = loadavg()[0]!;
  out += `\nload average ${load0.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end on ${cpus().length} CPUs (above ~1 means other work shared the cores). ${formatNumber(results.filter((r) => r.status === 'measured').length)} cases measured, each in its own process.\n`;
  process.stdout.write(out);
}

/**
 * The depth rows: the deep path's U and U + grad U at 784-128-10 (L = 2) and 784-128-128-10
 * (L = 3), the two-layer engine's U + grad U at 784-128-10 beside them (measured here unless the
 * main sweep already did), the deep training step plain and hsr-step at L = 3. The deep dense
 * Hessian does not fit at 784-128-128-10 (P^2 x 8 B): it is measured at 30-20-20-5 (P~1000-deep,
 * beside the closed form there) and its time EXTRAPOLATED by N P^2 at equal N, deepDenseHessian's
 * documented cost O(N P_b^2).
 */
function depthRows(done: Measurement[], log: (m: Measurement) => void): Measurement[] {
  const out: Measurement[] = [];
  const run = (kind: Kind, size: SizeName) => {
    const m = runChild(kind, size);
    log(m);
    out.push(m);
    return m;
  };
  for (const kind of ['U-closed', 'gradU-closed'] as const) if (!done.some((m) => m.kind === kind && m.size === 'mnist')) run(kind, 'mnist');
  for (const size of ['mnist', 'mnist-deep'] as const) {
    run('deepU-closed', size);
    run('deepGradU-closed', size);
  }
  run('deepStep-plain', 'mnist-deep');
  run('deepStep-hsr-step', 'mnist-deep');
  run('deepU-closed', 'P~1000-deep');
  const basis = run('deepU-dense', 'P~1000-deep');
  const { P } = sizeParameters('mnist-deep');
  const gib = (P * P * 8) / 2 ** 30;
  const measured = basis.status === 'measured';
  const extrapolated = measured ? basis.ms! * (P / basis.P) ** 2 : null;
  const why = `skipped: the dense Hessian needs P^2 x 8 B = ${gib.toFixed(0)} GiB; ${
    measured ? `EXTRAPOLATED from the deep dense U measured at ${sizeLabel('P~1000-deep')} (P = ${basis.P}) by N P^2 at equal N` : `no deep dense U measured in this run to extrapolate from (${basis.note})`
  }`;
  const m = skipped('U-dense', 'mnist-deep', why, extrapolated);
  log(m);
  out.push(m);
  return out;
}

function depthTable(find: (kind: Kind, size: SizeName) => Measurement | undefined): string {
  const rows: (string | number)[][] = [['config', 'path', 'P', 'U', 'U + grad U', 'cpu U', 'cpu U + grad U', 'peak MB U + grad U', 'dense U']];
  const two = find('gradU-closed', 'mnist');
  rows.push([sizeLabel('mnist'), 'two-layer engine', sizeParameters('mnist').P, cell(find('U-closed', 'mnist')), cell(two), cpuCell(find('U-closed', 'mnist')), cpuCell(two), mem(two), cell(find('U-dense', 'mnist'))]);
  for (const size of ['mnist', 'mnist-deep'] as const) {
    const u = find('deepU-closed', size);
    const g = find('deepGradU-closed', size);
    rows.push([sizeLabel(size), size === 'mnist' ? 'deep/, L = 2' : 'deep/, L = 3', sizeParameters(size).P, cell(u), cell(g), cpuCell(u), cpuCell(g), mem(g), size === 'mnist-deep' ? cell(find('U-dense', size)) : '']);
  }
  const su = find('deepU-closed', 'P~1000-deep');
  const sd = find('deepU-dense', 'P~1000-deep');
  rows.push([sizeLabel('P~1000-deep'), 'deep/, L = 3', sizeParameters('P~1000-deep').P, cell(su), '', cpuCell(su), '', '', sd ? `${cell(sd)} (cpu ${cpuCell(sd)}, peak ${mem(sd)} MB)` : '-']);
  const p = find('deepStep-plain', 'mnist-deep');
  const h = find('deepStep-hsr-step', 'mnist-deep');
  let out = `Depth: the deep closed forms (numeric deep/; U + grad U is one deepBoundGradient call). Deep rows on one core: no worker pool, node --single-threaded (no V8 helper threads), so cpu is the one core's time\n${renderTable(rows)}`;
  const dense = find('U-dense', 'mnist-deep');
  if (dense) out += `  note: U-dense at mnist-deep: ${dense.note}\n`;
  out += `  deep training step at ${sizeLabel('mnist-deep')}: plain ${cell(p)}, hsr-step ${cell(h)}, hsr-step / plain ${ratio(h, p)} (cpu ${cpuRatio(h, p)}); peak MB ${mem(p)}, ${mem(h)}\n`;
  return out;
}

/** The two-layer rows: U and grad U sweeps, training steps and Lanczos. */
function twoLayerRows(sweepSizes: SizeName[], quick: boolean, results: Measurement[], log: (m: Measurement) => void, autodiffGate: () => string | null, denseGate: (size: SizeName) => string | null): void {
  // The dense assembly costs O(N P^2) (the H_WW block: N h^2 d^2) and its memory P^2; the
  // autodiff oracle's trace gradients take P forward passes of O(N c P^2) each (its own doc
  // comment), so O(N P^3): its passes are timed at each size instead (autodiffSweep).
  // The closed forms are always run: their cost is O(N^2 h^2 + N h d), not a power of P, so
  // no P-power extrapolation would be honest for them.
  results.push(...sweep('U-closed', sweepSizes, null, log));
  results.push(...sweep('U-dense', sweepSizes, { exponent: 2, law: 'N P^2 at equal N' }, log, denseGate));
  results.push(...sweep('gradU-closed', sweepSizes, null, log));
  results.push(...autodiffSweep(sweepSizes, log, autodiffGate));
  const stepSizes: SizeName[] = quick ? ['iris'] : ['iris', 'mnist'];
  for (const size of stepSizes)
    for (const k of ['step-plain', 'step-hsr-step', 'step-sam'] as const) {
      const m = runChild(k, size);
      log(m);
      results.push(m);
    }
  if (!quick) {
    const m = runChild('lanczos', 'mnist');
    log(m);
    results.push(m);
  }
}

function twoLayerTables(sweepSizes: SizeName[], stepSizes: SizeName[], find: (kind: Kind, size: SizeName) => Measurement | undefined): string {
  let out = '';
  const sweepTable = (title: string, a: Kind, b: Kind, nameA: string, nameB: string) => {
    const rows: (string | number)[][] = [['config', 'P', nameA, nameB, `${nameB} / ${nameA}`, `cpu ${nameA}`, `cpu ${nameB}`, 'cpu ratio', `peak MB ${nameA}`, `peak MB ${nameB}`]];
    for (const size of sweepSizes) {
      const ma = find(a, size);
      const mb = find(b, size);
      rows.push([sizeLabel(size), sizeParameters(size).P, cell(ma), cell(mb), ratio(mb, ma), cpuCell(ma), cpuCell(mb), cpuRatio(mb, ma), mem(ma), mem(mb)]);
    }
    out += `${title}\n${renderTable(rows)}`;
    const notes = sweepSizes.flatMap((size) => [find(a, size), find(b, size)]).filter((m): m is Measurement => !!m && m.status !== 'measured');
    for (const m of notes) out += `  note: ${m.kind} at ${m.size}: ${m.note}\n`;
    if (b === 'gradU-autodiff')
      for (const size of sweepSizes) {
        // Where the full oracle ran, P x one pass is checked against it.
        const pass = find('gradU-autodiff-pass', size);
        const full = find('gradU-autodiff', size);
        if (pass?.status === 'measured' && full?.status === 'measured')
          out += `  check at ${size}: P x one pass = ${formatSeconds(pass.P * pass.ms!)} (cpu ${formatSeconds(pass.P * pass.cpuMs!)}, ${pass.runs} of ${pass.P} passes) vs the full oracle ${formatSeconds(full.ms!)} (cpu ${formatSeconds(full.cpuMs!)}): ${((pass.P * pass.cpuMs!) / full.cpuMs!).toPrecision(3)}x in cpu\n`;
      }
    out += '\n';
  };
  sweepTable('U: closed form vs the assembled dense Hessian', 'U-closed', 'U-dense', 'closed', 'dense');
  sweepTable('grad U: closed form vs the autodiff oracle', 'gradU-closed', 'gradU-autodiff', 'closed', 'autodiff');
  const stepRows: (string | number)[][] = [['config', 'P', 'plain', 'hsr-step', 'sam', 'hsr-step / plain', 'sam / plain', 'cpu ratios', 'peak MB plain', 'peak MB hsr-step', 'peak MB sam']];
  for (const size of stepSizes) {
    const p = find('step-plain', size);
    const h = find('step-hsr-step', size);
    const s = find('step-sam', size);
    stepRows.push([sizeLabel(size), sizeParameters(size).P, cell(p), cell(h), cell(s), ratio(h, p), ratio(s, p), `${cpuRatio(h, p)}, ${cpuRatio(s, p)}`, mem(p), mem(h), mem(s)]);
  }
  out += `One training step (what train.ts does per step: unflatten, batch loss gradient, then sam's second gradient or hsr-step's closed-form grad U, SGD update)\n${renderTable(stepRows)}\n`;
  const lz = find('lanczos', 'mnist');
  if (lz) out += `Lanczos at MNIST size (k <= 120, tol 1e-6, closed-form H v): ${cell(lz)}, peak ${mem(lz)} MB; ${lz.note}\n`;
  return out;
}

const USAGE = `Usage: pnpm bench [--json] [--quick | --deep]
       pnpm bench --peer torch [--json]

Measures the closed forms against the routes they replace, side by side in one run, each case in
its own child process (wall clock, CPU time, peak RSS).
  --quick       the small sizes only (seconds)
  --deep        only the depth rows: 784-128-10 and 784-128-128-10 on the deep path, one core
  --peer torch  U + grad U against a PyTorch implementation, and the gemm kernel against OpenBLAS
  --json        one JSON document instead of the tables
`;

/** The user's flags, checked before any work: one stderr line and exit 2 when they are wrong. */
function checkFlags(args: readonly string[]): void {
  const fail = (why: string): never => {
    process.stderr.write(`bench: ${why} (pnpm bench --help)\n`);
    process.exit(2);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--peer') i++;
    else if (!['--json', '--quick', '--deep'].includes(a)) fail(`unknown ${a.startsWith('-') ? 'flag' : 'argument'} ${JSON.stringify(a)}`);
  }
  if (args.includes('--quick') && args.includes('--deep')) fail('--quick and --deep choose different rows; give one');
  if (args.includes('--peer') && (args.includes('--quick') || args.includes('--deep'))) fail('--peer runs its own rows; it takes only --json');
}

const argv = process.argv.slice(2);
const at = argv.indexOf('--child');
const peerAt = argv.indexOf('--peer');
const internal = ['--child', '--peer-child', '--kernel-child'].some((f) => argv.includes(f));
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!internal) checkFlags(argv);
if (argv.includes('--peer-child')) {
  const i = argv.indexOf('--peer-child');
  peerChild(Number(argv[i + 1]), Number(argv[i + 2]), argv[i + 3]!);
} else if (argv.includes('--kernel-child')) {
  kernelChild();
} else if (peerAt >= 0) {
  if (argv[peerAt + 1] !== 'torch') {
    process.stderr.write(`bench --peer: the only peer is "torch", got ${JSON.stringify(argv[peerAt + 1] ?? '')}\n`);
    process.exit(2);
  }
  const json = argv.includes('--json');
  const r = peerBench(json);
  if (r.failed) process.exitCode = 1;
  if (json) printJson(r.results);
  else process.stdout.write(r.text);
} else if (at >= 0) {
  const kind = argv[at + 1] as Kind;
  const size = argv[at + 2] as SizeName;
  if (!KINDS.includes(kind) || !SIZES.includes(size)) {
    process.stderr.write(`bench --child: unknown case ${kind} ${size}\n`);
    process.exit(2);
  }
  await child(kind, size);
} else {
  await parent(argv);
}
