/**
 * `hsr reproduce`: sweep every method's own knob on a validation split, train plain, hsr-step,
 * hsr-penalty and SAM from the same initialisations with the chosen values on several data
 * sets and seeds, run the saddle-escape experiment, test the second paper's claims on the runs
 * (paired, log-ratio, Holm-corrected), and write an offline HTML report (DIR/index.html) with
 * every number behind it (DIR/results.json).
 *
 * The protocol (data sets, models, grids, budget) is data in report/settings.ts and documented
 * in docs/reproduce.md; flags only choose its size. Every flag is checked before any work
 * starts (exit 2). Ctrl-C stops after the current step and still writes a report of the runs
 * that finished (exit 130).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isDatasetName } from '@hsr/io';
import { parseChoice, parseNumber, runAction, UsageError } from '../errors.ts';
import { stoppedExitCode, withInterrupt } from '../interrupt.ts';
import { formatNumber, printJson } from '../output.ts';
import { runReproduction, type ReproductionHooks } from '../report/experiment.ts';
import { writeReport } from '../report/index.ts';
import { finalRecord, type ReproductionResults } from '../report/results.ts';
import { deeperModel, FULL_DATASETS, FULL_SEEDS, FULL_SWEEP, MODELS, QUICK_DATASETS, QUICK_SEEDS, QUICK_SWEEP, protocolFor, seedList, studies, type DatasetEntry, type ReproductionProtocol } from '../report/settings.ts';
import { verdictTable } from '../report/textTable.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

export const DEFAULT_REPORT_DIR = 'hsr-report';

export interface ReproducePlan {
  protocol: ReproductionProtocol;
  out: string;
  json: boolean;
  /** The command line that reproduces the report. */
  command: string;
}

/** Parse and check every flag; throws UsageError (exit 2) before any work. */
export function planReproduction(opts: Record<string, unknown>): ReproducePlan {
  const quick = Boolean(opts.quick);
  const named = protocolFor(quick ? 'quick' : 'full');
  const table = quick ? QUICK_DATASETS : FULL_DATASETS;
  const seedCount = opts.seeds === undefined ? (quick ? QUICK_SEEDS : FULL_SEEDS) : parseNumber('--seeds', String(opts.seeds), { integer: true, min: 1 });
  let datasets: DatasetEntry[] = [...table];
  if (opts.datasets !== undefined) {
    const names = String(opts.datasets)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (names.length === 0) throw new UsageError('--datasets: expected a comma-separated list of data set names');
    datasets = names.map((name) => {
      if (name !== 'mnist' && !isDatasetName(name)) throw new UsageError(`--datasets: "${name}" is not a built-in data set (iris, blobs, moons, xor, cosine, wine, breast-cancer, digits, mnist)`);
      // The entry of this protocol's table, else the full table's, else the small-set settings.
      return table.find((p) => p.dataset === name) ?? FULL_DATASETS.find((p) => p.dataset === name) ?? { ...table[0]!, dataset: name };
    });
  }
  if (opts.epochs !== undefined) {
    const epochs = parseNumber('--epochs', String(opts.epochs), { integer: true, min: 1 });
    datasets = datasets.map((p) => ({ ...p, epochs, metricsEvery: Math.max(1, Math.min(p.metricsEvery, Math.floor(epochs / 5) || 1)) }));
  }
  // --loss: the model-table rows of these losses only (default: every row); --no-deeper drops the deeper configuration.
  const table2 = opts.deeper === false ? [...MODELS] : [...MODELS, deeperModel(quick ? 'quick' : 'full')];
  let models = table2;
  if (opts.loss !== undefined) {
    const losses = String(opts.loss)
      .split(',')
      .map((s) => s.trim());
    const known = [...new Set(MODELS.map((m) => m.loss))];
    for (const l of losses) parseChoice('--loss', l, known);
    models = table2.filter((m) => losses.includes(m.loss));
  }
  const sweep = opts.sweep === false ? null : quick ? QUICK_SWEEP : FULL_SWEEP;
  const out = opts.out === undefined ? DEFAULT_REPORT_DIR : String(opts.out);
  if (out.trim() === '') throw new UsageError('--out: expected a directory');
  const custom = opts.datasets !== undefined || opts.epochs !== undefined || opts.seeds !== undefined || sweep === null || models.length !== MODELS.length + 1;
  const parts = ['hsr reproduce'];
  if (quick) parts.push('--quick');
  if (opts.seeds !== undefined) parts.push(`--seeds ${seedCount}`);
  if (opts.datasets !== undefined) parts.push(`--datasets ${datasets.map((d) => d.dataset).join(',')}`);
  if (opts.epochs !== undefined) parts.push(`--epochs ${datasets[0]!.epochs}`);
  if (sweep === null) parts.push('--no-sweep');
  if (opts.loss !== undefined) parts.push(`--loss ${[...new Set(models.map((m) => m.loss))].join(',')}`);
  if (opts.deeper === false) parts.push('--no-deeper');
  return {
    protocol: { ...named, name: custom ? 'custom' : named.name, studies: studies(datasets, models), seeds: seedList(seedCount), sweep },
    out,
    json: Boolean(opts.json),
    command: parts.join(' '),
  };
}

/** Progress on stderr: a bar on a terminal, one plain line per finished run otherwise. */
function progressHooks(tty: boolean, signal: AbortSignal): { hooks: ReproductionHooks; stop(): void } {
  const bar = tty
    ? new cliProgress.SingleBar({ stream: process.stderr, format: 'reproduce {bar} {percentage}% | {phase} | eta {eta_formatted}', hideCursor: true, etaBuffer: 400 }, cliProgress.Presets.shades_classic)
    : null;
  let started = false;
  const phase = (text: string) => {
    if (!bar) return;
    if (!started) {
      bar.start(1, 0, { phase: text });
      started = true;
    } else bar.update({ phase: text });
  };
  const hooks: ReproductionHooks = {
    signal,
    onRunStart: (r) => phase(`run ${r.index}/${r.total} ${r.study} ${r.method} seed ${r.seed}`),
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) phase('sweep');
      bar.setTotal(total);
      bar.update(done);
    },
    onSweepEnd: (study, seed, chosen) => {
      const text = Object.entries(chosen)
        .map(([m, hp]) => `${m} ${m === 'plain' ? `lr ${hp.learningRate}` : m === 'hsr-penalty' ? `lambda ${hp.lambda}` : `rho ${hp.rho}`}`)
        .join(', ');
      if (bar) phase(`${study} seed ${seed}: swept`);
      else process.stderr.write(`${study} seed ${seed}: chose ${text}\n`);
    },
    onRunEnd: (r, run) => {
      if (bar) return;
      const last = finalRecord(run);
      const acc = last?.testAccuracy === null || last === null ? '-' : formatNumber(last.testAccuracy);
      const lmax = last?.lambdaMax === null || last === null ? '-' : formatNumber(last.lambdaMax);
      process.stderr.write(`[${r.index}/${r.total}] ${r.study} ${r.method} seed ${r.seed}: ${run.status}, ${run.seconds.toFixed(1)} s, test acc ${acc}, lambda_max ${lmax}\n`);
    },
    onEscapeEnd: (study, e) => {
      if (bar) phase(`${study} seed ${e.seed}: escape ${e.method}`);
      else process.stderr.write(`${study} escape ${e.method} seed ${e.seed}: ${e.escapedAt === null ? `not within ${e.epochs} epochs` : `epoch ${e.escapedAt}`}\n`);
    },
    onNotice: (m) => process.stderr.write(`${bar ? '\n' : ''}hsr: note: ${m}\n`),
  };
  return { hooks, stop: () => bar?.stop() };
}

export async function runReproduceCommand(plan: ReproducePlan, io: { tty: boolean; signal: AbortSignal }) {
  const progress = progressHooks(io.tty, io.signal);
  let results: ReproductionResults;
  try {
    results = await runReproduction(plan.protocol, progress.hooks);
  } finally {
    progress.stop();
  }
  const report = await writeReport(results, plan.out, plan.command);
  if (plan.json) {
    printJson({
      status: results.status,
      seconds: results.seconds,
      index: report.indexPath,
      results: report.resultsPath,
      sentence: report.claims.sentence,
      claims: report.claims.rows.map((c) => ({
        claim: c.claimId,
        method: c.method,
        pooled: { verdict: c.pooled.verdict, effect: c.pooled.effect, lower: c.pooled.lower, upper: c.pooled.upper, p: c.pooled.p, pAdjusted: c.pooled.pAdjusted, n: c.pooled.n },
        verdicts: Object.fromEntries(c.cells.map((x) => [x.study, x.verdict])),
      })),
      ...(report.claims.byLoss
        ? {
            byLoss: report.claims.byLoss.map((l) => ({
              loss: l.loss,
              sentence: l.sentence,
              claims: l.rows.map((r) => ({
                claim: r.claimId,
                method: r.method,
                pooled: { verdict: r.pooled.verdict, effect: r.pooled.effect, lower: r.pooled.lower, upper: r.pooled.upper, pAdjusted: r.pooled.pAdjusted, n: r.pooled.n },
              })),
            })),
          }
        : {}),
      ...(report.claims.byDepth
        ? {
            byDepth: report.claims.byDepth.map((d) => ({
              layers: d.layers,
              models: d.models,
              sentence: d.sentence,
              claims: d.summary.rows.map((r) => ({
                claim: r.claimId,
                method: r.method,
                pooled: { verdict: r.pooled.verdict, effect: r.pooled.effect, lower: r.pooled.lower, upper: r.pooled.upper, pAdjusted: r.pooled.pAdjusted, n: r.pooled.n },
                verdicts: Object.fromEntries(r.cells.map((x) => [x.study, x.verdict])),
              })),
            })),
          }
        : {}),
    });
  } else {
    const runs = results.studies.reduce((s, d) => s + d.runs.length, 0);
    process.stdout.write(`${results.status === 'completed' ? 'completed' : 'interrupted'}: ${runs} runs in ${results.seconds.toFixed(1)} s\n\n`);
    process.stdout.write(verdictTable(report.claims));
    process.stdout.write(`\n${report.claims.sentence}\n`);
    for (const l of report.claims.byLoss ?? []) process.stdout.write(`\nPer loss, ${l.sentence}\n`);
    for (const d of report.claims.byDepth ?? []) process.stdout.write(`\n${d.sentence}\n`);
    process.stdout.write(`\nreport: ${report.indexPath}\n`);
  }
  return { results, report };
}

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description(COMMAND_SUMMARIES.reproduce)
    .option('--quick', `iris, blobs, moons and wine, ${QUICK_SEEDS} seeds, ${QUICK_DATASETS[0]!.epochs} epochs, a ${QUICK_SWEEP.budget}-value sweep per method (about 3 minutes per loss on 2 cores)`, false)
    .option('--out <dir>', 'where index.html and results.json go', DEFAULT_REPORT_DIR)
    .option('--seeds <k>', `number of seeds (default ${QUICK_SEEDS} with --quick, ${FULL_SEEDS} otherwise)`)
    .option('--datasets <list>', "comma-separated data sets instead of the protocol's (e.g. iris,digits,mnist)")
    .option('--epochs <E>', "override the protocol's epochs (for a smoke test)")
    .option('--no-sweep', 'skip the sweep: every method trains with the fixed values of the old protocol (for a smoke test)')
    .option('--loss <list>', `comma-separated losses of the model table to run (${[...new Set(MODELS.map((m) => m.loss))].join(', ')}; default: all, one column of studies each)`)
    .option('--no-deeper', `skip the deeper configuration (${deeperModel('quick').label}: does each claim hold beyond three layers?)`)
    .option('--json', 'print one JSON summary on stdout (progress still goes to stderr)', false)
    .addHelpText(
      'after',
      `
The protocol (models, grids, budget, escape experiment) is fixed and documented in docs/reproduce.md.
Without --quick the full run uses ${FULL_SEEDS} seeds, ${FULL_DATASETS[0]!.epochs} epochs on the small sets, a ${FULL_SWEEP.budget}-value
sweep, and adds breast cancer, the 8x8 digits and 1,000 MNIST digits projected to 20 components.
Exit codes: 0 done, 2 bad flags, 130 / 143 stopped by SIGINT / SIGTERM (a report of the finished
runs is still written).

Every study runs once per row of the model table: the papers' tanh network with cross-entropy
(its studies are named after the data sets) and with mse (iris/tanh8-mse, ...); --loss picks rows.
The deeper configuration (${deeperModel('quick').label}, iris/${deeperModel('quick').id}, ...) trains the same
methods from the same splits and seeds with two hidden layers; its verdicts are their own
table ("Beyond three layers"), beside the three-layer ones. --quick: ${deeperModel('quick').schedule?.epochs} epochs,
the default hyperparameters, no sweep and no escape run; the full protocol sweeps it too.

Examples:
  hsr reproduce --quick
  hsr reproduce --quick --loss mse
  hsr reproduce --out runs/report --seeds 10`,
    )
    .action((opts) =>
      runAction(async () => {
        const plan = planReproduction(opts);
        let stopped: AbortSignal | null = null;
        const { results } = await withInterrupt('stopping after the current step and writing the report', (signal) => {
          stopped = signal;
          return runReproduceCommand(plan, { tty: Boolean(process.stderr.isTTY), signal });
        });
        if (results.status === 'aborted') process.exitCode = stoppedExitCode(stopped!);
      }),
    );
}
