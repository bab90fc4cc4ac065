/**
 * `hsr estimate`: the stochastic curvature estimators everyone uses (Hutchinson, Hutch++,
 * XTrace, the Frobenius estimator, PyHessian's adaptive rules, power iteration, Lanczos),
 * measured against the exact closed-form T1, T2, the closed-form diagonal and the exact
 * lambda_max, over seeded repeats and a list of product budgets (estimate/experiment.ts).
 *
 * Every flag is checked before anything is loaded (exit 2, one `hsr:` line); --out DIR gets
 * index.html and results.json only after everything has been computed.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { hessianOperator, initModel, parameterCount, PYHESSIAN_MAX_ITER, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { checkModelData, checkOutputFolderPath, InputError, loadMnist, MNIST_CLASSES, MNIST_FEATURES, MNIST_MAX_SAMPLES, readDataFile, readModelFile, writeFileAtomic } from '@hsr/io';
import { DEFAULT_DATA_PATH, DEFAULT_MODEL_PATH } from '../defaults.ts';
import { parseNumber, parsePath, parseSeed, runAction, UsageError } from '../errors.ts';
import { formatNumber, printJson, renderTable } from '../output.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import {
  ADAPTIVE_RUNS_PER_REPEAT,
  DEFAULT_BUDGETS,
  DEFAULT_SKETCH_MEMORY_MIB,
  ESTIMATE_SCHEMA,
  ZeroHessianError,
  productsPerRepeat,
  runEstimates,
  type EstimatePlan,
  type EstimateResults,
} from '../estimate/experiment.ts';
import { adaptiveRuleRow, budgetPointRow, type CellStyle } from '../estimate/rows.ts';
import { computeTruth, DENSE_TRUTH_MAX_PARAMETERS, type Truth } from '../estimate/truth.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

/** MNIST samples when --data mnist comes without --samples: the size docs/estimators.md reports. */
export const ESTIMATE_MNIST_DEFAULT_SAMPLES = 128;
/** The fresh MNIST network: 784-128-10 tanh with biases, initModel seed 0 (as `hsr train --data mnist` starts). */
export const ESTIMATE_MNIST_HIDDEN = 128;
/**
 * Default --repeats: as many as fit in this many sample-parameter-products (an HVP costs
 * ~N P multiply-adds, ~1.8e9 per second measured here), at least 1 and at most
 * MAX_DEFAULT_REPEATS. That is 100 on the bundled Iris case and 1 at MNIST size (784-128-10,
 * N = 128), where one repeat at the default budgets already takes most of a minute.
 */
export const DEFAULT_REPEAT_WORK = 2e10;
export const MAX_DEFAULT_REPEATS = 100;

export interface EstimateCase {
  readonly model: Model;
  readonly data: Dataset;
  readonly label: string;
  readonly network: string;
  readonly source: string;
}

export interface EstimateOptions {
  readonly model?: string;
  readonly data?: string;
  readonly samples?: string;
  readonly matvecs: string;
  readonly repeats?: string;
  readonly seed: string;
  readonly sketchMemory: string;
  readonly json?: boolean;
  readonly out?: string;
  readonly reduction: string;
  readonly block: string;
  readonly curvature: string;
}

export interface EstimateArgs {
  readonly modelPath: string | null;
  readonly dataPath: string | null;
  readonly mnistSamples: number | null;
  readonly budgets: number[];
  /** null: the default rule (DEFAULT_REPEAT_WORK). */
  readonly repeats: number | null;
  readonly seed: number;
  readonly sketchMemoryMiB: number;
  readonly variant: Variant;
  readonly out: string | null;
}

/** Parse --matvecs: comma-separated positive integers, no duplicates; returned ascending. */
export function parseBudgets(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`--matvecs: expected comma-separated positive integers, got "${text}"`);
  const budgets = parts.map((p) => parseNumber('--matvecs', p, { integer: true, min: 1 }));
  const sorted = [...budgets].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw new UsageError(`--matvecs: ${sorted[i]} is listed twice`);
  return sorted;
}

export function parseEstimateArgs(opts: EstimateOptions): EstimateArgs {
  const mnist = opts.data === 'mnist';
  if (opts.model !== undefined && opts.data === undefined) throw new UsageError('--model needs --data (a file, or mnist)');
  if (opts.data !== undefined && !mnist && opts.model === undefined) throw new UsageError('--data FILE needs --model (or give neither for the bundled Iris case, or --data mnist)');
  let mnistSamples: number | null = null;
  if (opts.samples !== undefined) {
    if (!mnist) throw new UsageError(`--samples: applies to --data mnist only${opts.data === undefined ? '' : `, got --data ${opts.data}`}`);
    mnistSamples = parseNumber('--samples', opts.samples, { integer: true, min: MNIST_CLASSES });
    if (mnistSamples > MNIST_MAX_SAMPLES) throw new UsageError(`--samples: must be <= ${MNIST_MAX_SAMPLES} (10 x the smallest class), got ${opts.samples}`);
  } else if (mnist) mnistSamples = ESTIMATE_MNIST_DEFAULT_SAMPLES;
  const out = opts.out === undefined ? null : opts.out;
  if (out !== null && out.trim() === '') throw new UsageError('--out: expected a directory');
  if (out !== null) checkOutputFolderPath(out, '--out');
  if (opts.model !== undefined) parsePath('--model', opts.model);
  if (opts.data !== undefined) parsePath('--data', opts.data);
  return {
    modelPath: opts.model ?? null,
    dataPath: mnist ? null : (opts.data ?? null),
    mnistSamples,
    budgets: parseBudgets(opts.matvecs),
    repeats: opts.repeats === undefined ? null : parseNumber('--repeats', opts.repeats, { integer: true, min: 1 }),
    seed: parseSeed('--seed', opts.seed),
    sketchMemoryMiB: parseNumber('--sketch-memory', opts.sketchMemory, { positive: true }),
    variant: readVariant(opts),
    out,
  };
}

/** Load the case the arguments name (bundled Iris, files, or MNIST with a fresh network). */
export function loadEstimateCase(args: EstimateArgs): EstimateCase {
  if (args.mnistSamples !== null) {
    const named = loadMnist({ samples: args.mnistSamples, seed: 0 });
    const data = named.data;
    if (args.modelPath !== null) {
      const model = readModelFile(args.modelPath);
      checkModelData(model, args.modelPath, data, 'mnist');
      return { model, data, label: `${args.modelPath} on ${data.samples} MNIST digits`, network: `${model.activation} ${model.inputDim}-${model.hiddenDim}-${model.classes} from ${args.modelPath}`, source: named.source };
    }
    const model = initModel({ activation: 'tanh', inputDim: MNIST_FEATURES, hiddenDim: ESTIMATE_MNIST_HIDDEN, classes: MNIST_CLASSES, bias: true, seed: 0 });
    return {
      model,
      data,
      label: `fresh ${MNIST_FEATURES}-${ESTIMATE_MNIST_HIDDEN}-${MNIST_CLASSES} network on ${data.samples} MNIST digits`,
      network: `freshly initialised tanh ${MNIST_FEATURES}-${ESTIMATE_MNIST_HIDDEN}-${MNIST_CLASSES} with biases (initModel seed 0: Glorot-normal weights, zero biases; NOT trained)`,
      source: named.source,
    };
  }
  const modelPath = args.modelPath ?? DEFAULT_MODEL_PATH;
  const dataPath = args.dataPath ?? DEFAULT_DATA_PATH;
  const model = readModelFile(modelPath);
  const data = readDataFile(dataPath);
  checkModelData(model, modelPath, data, dataPath);
  const bundled = args.modelPath === null;
  return {
    model,
    data,
    label: bundled ? 'bundled Iris 4-8-3 tanh network on Iris (150 samples, standardised)' : `${modelPath} on ${dataPath}`,
    network: `${model.activation} ${model.inputDim}-${model.hiddenDim}-${model.classes}${model.b ? ' with biases' : ' without biases'}${bundled ? ' (trained, bundled)' : ''}`,
    source: bundled ? 'packages/cli/assets/iris-default.{model,data}.json' : `${modelPath}, ${dataPath}`,
  };
}

/** The default --repeats for a case (see DEFAULT_REPEAT_WORK). */
export function defaultRepeats(budgets: readonly number[], sketchMemoryMiB: number, samples: number, P: number): number {
  const perRepeat = productsPerRepeat({ budgets, sketchMemoryMiB }, P) * samples * P;
  return Math.max(1, Math.min(MAX_DEFAULT_REPEATS, Math.floor(DEFAULT_REPEAT_WORK / perRepeat)));
}

export interface EstimateReport {
  readonly schema: typeof ESTIMATE_SCHEMA;
  readonly command: string;
  readonly case: { readonly label: string; readonly network: string; readonly source: string; readonly parameters: number; readonly samples: number; readonly variant: Variant };
  readonly settings: EstimatePlan & { readonly repeatsDefaulted: boolean };
  readonly truth: Truth;
  readonly results: EstimateResults;
}

export interface EstimateIo {
  /** Progress bar on stderr (a TTY); otherwise one line per stage, unless quiet. */
  readonly tty: boolean;
  readonly quiet?: boolean;
}

export function computeEstimateReport(args: EstimateArgs, command: string, io: EstimateIo): EstimateReport {
  const c = loadEstimateCase(args);
  const op = hessianOperator(c.model, c.data, args.variant);
  const P = op.size;
  const repeats = args.repeats ?? defaultRepeats(args.budgets, args.sketchMemoryMiB, c.data.samples, parameterCount(c.model, args.variant.block));
  const plan: EstimatePlan = { budgets: args.budgets, repeats, seed: args.seed, sketchMemoryMiB: args.sketchMemoryMiB };
  const truth = computeTruth(c.model, c.data, args.variant, op, args.seed);
  const bar = io.tty
    ? new cliProgress.SingleBar({ stream: process.stderr, format: 'estimate {bar} {percentage}% | {stage} | {value}/{total} products | eta {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  let stageName = '';
  bar?.start(1, 0, { stage: 'starting' });
  if (!(truth.traceH2 > 0)) throw new UsageError(`${c.label}: ${new ZeroHessianError().message}`);
  let results: EstimateResults;
  try {
    results = runEstimates(op, truth, plan, {
      onStage: (name) => {
        stageName = name;
        if (!bar && !io.quiet) process.stderr.write(`estimate: ${name}\n`);
      },
      onProgress: (done, total) => {
        if (!bar) return;
        bar.setTotal(total);
        bar.update(done, { stage: stageName });
      },
    });
  } finally {
    bar?.stop();
  }
  return {
    schema: ESTIMATE_SCHEMA,
    command,
    case: { label: c.label, network: c.network, source: c.source, parameters: P, samples: c.data.samples, variant: args.variant },
    settings: { ...plan, repeatsDefaulted: args.repeats === null },
    truth,
    results,
  };
}

function pct(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '-';
  return formatNumber(x);
}

const TEXT_STYLE: CellStyle = { value: pct, number: formatNumber, missing: '-', atMost: '<= ' };

export function renderEstimateReport(r: EstimateReport): string {
  const t = r.truth;
  const s = r.settings;
  const v = r.case.variant;
  let out = `${r.case.label}\nnetwork: ${r.case.network}\n`;
  out += `P = ${r.case.parameters} parameters, N = ${r.case.samples} samples, variant ${v.reduction}/${v.block}/${v.curvature}; ${s.repeats} repeat${s.repeats === 1 ? '' : 's'}${s.repeatsDefaulted ? ' (default for this size)' : ''}, seed ${s.seed}, budgets ${s.budgets.join(',')}\n\n`;
  const spectrum = (residual: number) => (t.spectrumSource === 'dense' ? 'dense spectrum' : `Lanczos, ${t.lanczosProducts} products, residual ${formatNumber(residual)}${t.lanczosConverged ? '' : ' (NOT converged)'}`);
  out += renderTable([
    ['exact quantity', 'value', 'from'],
    ['tr H (T1)', t.traceH, t.dense ? `closed form (dense: ${formatNumber(t.dense.traceH)})` : 'closed form'],
    ['tr H^2 (T2)', t.traceH2, t.dense ? `closed form (dense: ${formatNumber(t.dense.traceH2)})` : 'closed form'],
    ['sum_i H_ii^2', t.diagonalSquareSum, t.dense ? `closed-form diagonal (dense: ${formatNumber(t.dense.diagonalSquareSum)})` : 'closed-form diagonal'],
    ['lambda_max', t.lambdaMax, spectrum(t.lambdaMaxResidual)],
    ['lambda_min', t.lambdaMin, spectrum(t.lambdaMinResidual)],
    ['WS upper bound U', t.bounds.lambdaMaxUpper, 'closed-form T1, T2'],
    ...(t.traceH4 === null ? [] : [['tr H^4', t.traceH4, 'dense H'] as (string | number)[]]),
  ]);
  for (const [quantity, title] of [
    ['traceH', 'tr H'],
    ['traceH2', 'tr H^2 = ||H||_F^2'],
    ['lambdaMax', 'lambda_max'],
  ] as const) {
    out += `\n${title}: |estimate - exact| / |exact| over the replicates\n`;
    const rows: (string | number)[][] = [['estimator', 'budget', 'products', 'runs', 'median', 'p10', 'p90', 'bias', 'sd', 'sd theory']];
    for (const e of r.results.estimators.filter((x) => x.quantity === quantity)) {
      for (const p of e.points) rows.push(budgetPointRow(e, p, TEXT_STYLE));
      for (const k of e.skipped) rows.push([e.label, k.budget, 'skipped', '', '', '', '', '', '', '']);
    }
    for (const a of r.results.adaptive.filter((x) => x.quantity === quantity))
      rows.push([
        `${a.label} (adaptive)`,
        `<= ${PYHESSIAN_MAX_ITER}`,
        `${formatNumber(a.products.median)} (median)`,
        a.runs,
        pct(a.relativeError.median),
        pct(a.relativeError.p10),
        pct(a.relativeError.p90),
        pct(a.meanSignedError),
        '',
        '',
      ]);
    out += renderTable(rows);
    for (const e of r.results.estimators.filter((x) => x.quantity === quantity)) {
      const reasons = new Map<string, number[]>();
      for (const k of e.skipped) reasons.set(k.reason, [...(reasons.get(k.reason) ?? []), k.budget]);
      for (const [reason, ms] of reasons) out += `skipped ${e.label} at m = ${ms.join(', ')}: ${reason}\n`;
    }
  }
  out += '\nPyHessian adaptive rules (tol 1e-3, at most 100 products):\n';
  out += renderTable([['rule', 'runs', 'products median', 'p90', 'max', 'median rel. error', 'p90', 'runs within tol', 'stopped by rule'], ...r.results.adaptive.map((a) => adaptiveRuleRow(a, TEXT_STYLE))]);
  out += '\nWS upper bound U from estimated T1 (Hutchinson) and T2 (Frobenius, same products): |U_est - U| / |U|\n';
  const wsRows: (string | number)[][] = [['probes', 'budget', 'runs', 'median', 'p10', 'p90', 'U_est < lambda_max']];
  for (const w of r.results.wsBounds)
    for (const p of w.points)
      wsRows.push([
        w.probe,
        p.budget,
        p.replicates,
        pct(p.relativeError.lambdaMaxUpper.median),
        pct(p.relativeError.lambdaMaxUpper.p10),
        pct(p.relativeError.lambdaMaxUpper.p90),
        `${(100 * p.violations.lambdaMaxUpper).toFixed(0)}%`,
      ]);
  out += renderTable(wsRows);
  out += `\nvariance of Hutchinson's estimate vs the formula (${(100 * (r.results.varianceChecks[0]?.interval.confidence ?? 0.99)).toFixed(0)}% interval, moment-matched chi-square):\n`;
  out += renderTable([
    ['probes', 'budget', 'runs', 'measured / theory', 'interval', 'inside'],
    ...r.results.varianceChecks.map((c) => [
      c.estimator.replace('hutchinson-', ''),
      c.budget,
      c.replicates,
      c.measured / c.theory,
      `[${formatNumber(c.interval.lower / c.theory)}, ${formatNumber(c.interval.upper / c.theory)}]`,
      c.inside ? 'yes' : 'NO',
    ]),
  ]);
  out += `\n${r.results.productsUsed} Hessian-vector products in ${r.results.seconds.toFixed(1)} s (truth ${t.seconds.toFixed(1)} s)\n`;
  return out;
}

export function registerEstimate(program: Command): void {
  const cmd = program
    .command('estimate')
    .description(COMMAND_SUMMARIES.estimate)
    .option('--model <file>', 'model JSON (default: the bundled Iris network; with --data mnist: a fresh 784-128-10 network)')
    .option('--data <file|mnist>', 'data JSON/CSV, or mnist (default: bundled Iris)')
    .option('--samples <N>', `mnist only: digits drawn, balanced, ${MNIST_CLASSES}..${MNIST_MAX_SAMPLES} (default ${ESTIMATE_MNIST_DEFAULT_SAMPLES})`)
    .option('--matvecs <list>', 'product budgets m, comma-separated', DEFAULT_BUDGETS.join(','))
    .option('--repeats <R>', `independent runs at the largest budget (default: 100 on the bundled case, 1 at MNIST size; see below)`)
    .option('--seed <S>', 'seeds every probe, start vector and sketch', '0')
    .option('--sketch-memory <MiB>', 'memory allowed for the k x P blocks of Hutch++, XTrace and Lanczos; larger budgets are skipped and say so', String(DEFAULT_SKETCH_MEMORY_MIB))
    .option('--json', 'print one JSON object (the same as results.json)', false)
    .option('--out <dir>', 'write DIR/index.html (offline page with the error-vs-products plots) and DIR/results.json');
  addVariantOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Truth: T1 = tr H and T2 = ||H||_F^2 in closed form, sum_i H_ii^2 from the closed-form diagonal,
lambda_max from the dense spectrum (P <= ${DENSE_TRUTH_MAX_PARAMETERS}) or Lanczos to a relative residual of 1e-12.
Each row: |estimate - exact| / |exact| over the replicates (median, 10th, 90th percentile), the
bias, the measured and the theoretical standard deviation (/ |exact|) where a formula exists:
  Hutchinson, Gaussian probes:   Var = 2 ||H||_F^2 / m
  Hutchinson, Rademacher probes: Var = 2 (||H||_F^2 - sum_i H_ii^2) / m
  Frobenius ||Hv||^2:            Var = 2 tr H^4 / m (Gaussian), needs the dense H
  Hutch++:                       sd <= sqrt(2 ||H||_F^2 / (m - 2 floor(m/3))) (a bound)
and the error of the WS bounds built from estimated T1, T2 instead of the exact ones.

Replicates: Hutchinson and Frobenius use R x max(m) probes per distribution; budget m gets
floor(R max(m) / m) disjoint blocks, so small budgets have many replicates. Hutch++, XTrace,
power iteration and Lanczos get R runs (each run serves every budget). PyHessian's trace()
rule runs over the Rademacher probes; its eigenvalues() rule runs ${ADAPTIVE_RUNS_PER_REPEAT} x R times.

--repeats default: the largest R <= ${MAX_DEFAULT_REPEATS} whose planned products x N x P stay below
${DEFAULT_REPEAT_WORK.toExponential(0)}, at least 1: 100 on the bundled Iris case (15-25 s), 1 on --data mnist
--samples 128 (35-60 s here, depending on the load; one repeat at max(m) = 1000 costs ~3,000
products of ~8-12 ms each). At MNIST size Hutch++ and XTrace at m = 1000 exceed the default
--sketch-memory (their k x P blocks need 0.8-1.2 GB) and are skipped.

--data mnist: ${ESTIMATE_MNIST_DEFAULT_SAMPLES} digits by default (loadMnist seed 0, pixels in [0, 1]) and, without --model,
a freshly initialised tanh ${MNIST_FEATURES}-${ESTIMATE_MNIST_HIDDEN}-${MNIST_CLASSES} network with biases (initModel seed 0), P = 101,770.

Examples:
  hsr estimate --json
  hsr estimate --data mnist --samples 128 --out runs/estimate-mnist
  hsr estimate --matvecs 10,100 --repeats 200 --block first`,
  );
  cmd.action((opts: EstimateOptions) =>
    runAction(() => {
      const args = parseEstimateArgs(opts);
      const command = `hsr estimate ${process.argv.slice(3).join(' ')}`.trim();
      const report = computeEstimateReport(args, command, { tty: Boolean(process.stderr.isTTY), quiet: Boolean(opts.json) });
      if (args.out !== null) {
        const dir = resolve(args.out);
        try {
          mkdirSync(dir, { recursive: true });
        } catch (error) {
          throw new InputError(`--out ${args.out}`, null, `cannot create the output folder: ${(error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
        }
        return writeEstimatePage(report, dir).then(() => emit(report, opts, dir));
      }
      emit(report, opts, null);
    }),
  );
}

function emit(report: EstimateReport, opts: EstimateOptions, dir: string | null): void {
  if (opts.json) printJson(report);
  else process.stdout.write(renderEstimateReport(report) + (dir ? `\nwrote ${join(dir, 'index.html')} and ${join(dir, 'results.json')}\n` : ''));
}

/** DIR/results.json and DIR/index.html (the page module is loaded only when asked for). */
export async function writeEstimatePage(report: EstimateReport, dir: string): Promise<void> {
  const { renderEstimatePage } = await import('../estimate/page.ts');
  const html = await renderEstimatePage(report);
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileAtomic(join(dir, 'index.html'), html);
}
