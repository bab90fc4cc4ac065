/**
 * `hsr reproduce`: train plain, hsr-step, hsr-penalty and SAM from the same initialisations
 * on several data sets and seeds, judge the second paper's claims from the runs, and write an
 * offline HTML report (DIR/index.html) with every number behind it (DIR/results.json).
 *
 * The protocol (data sets, network, hyperparameters) is fixed in report/settings.ts and
 * documented in docs/reproduce.md; flags only choose its size. Every flag is checked before
 * any work starts (exit 2). Ctrl-C stops after the current step and still writes a report of
 * the runs that finished (exit 130).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isDatasetName } from '@hsr/io';
import { parseNumber, runAction, UsageError } from '../errors.ts';
import { INTERRUPTED_EXIT_CODE, withInterrupt } from '../interrupt.ts';
import { formatNumber, printJson, renderTable } from '../output.ts';
import { runReproduction, type ReproductionHooks } from '../report/experiment.ts';
import { writeReport } from '../report/index.ts';
import { finalRecord, type ReproductionResults } from '../report/results.ts';
import { FULL_DATASETS, FULL_SEEDS, QUICK_DATASETS, QUICK_SEEDS, REPRODUCE_METHODS, REPRODUCE_VARIANT, seedList, type DatasetProtocol, type ReproductionProtocol } from '../report/settings.ts';
import type { ClaimRow } from '../report/verdicts.ts';

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
  const base = quick ? QUICK_DATASETS : FULL_DATASETS;
  const seedCount = opts.seeds === undefined ? (quick ? QUICK_SEEDS : FULL_SEEDS) : parseNumber('--seeds', String(opts.seeds), { integer: true, min: 1 });
  let datasets: DatasetProtocol[] = [...base];
  if (opts.datasets !== undefined) {
    const names = String(opts.datasets)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (names.length === 0) throw new UsageError('--datasets: expected a comma-separated list of data set names');
    datasets = names.map((name) => {
      if (!isDatasetName(name)) throw new UsageError(`--datasets: "${name}" is not a built-in data set`);
      const known = base.find((p) => p.dataset === name);
      return known ?? { ...base[0]!, dataset: name };
    });
  }
  if (opts.epochs !== undefined) {
    const epochs = parseNumber('--epochs', String(opts.epochs), { integer: true, min: 1 });
    datasets = datasets.map((p) => ({ ...p, epochs, metricsEvery: Math.max(1, Math.min(p.metricsEvery, Math.floor(epochs / 5) || 1)) }));
  }
  const out = opts.out === undefined ? DEFAULT_REPORT_DIR : String(opts.out);
  if (out.trim() === '') throw new UsageError('--out: expected a directory');
  const custom = opts.datasets !== undefined || opts.epochs !== undefined || opts.seeds !== undefined;
  const parts = ['hsr reproduce'];
  if (quick) parts.push('--quick');
  if (opts.seeds !== undefined) parts.push(`--seeds ${seedCount}`);
  if (opts.datasets !== undefined) parts.push(`--datasets ${datasets.map((d) => d.dataset).join(',')}`);
  if (opts.epochs !== undefined) parts.push(`--epochs ${datasets[0]!.epochs}`);
  return {
    protocol: {
      name: custom ? 'custom' : quick ? 'quick' : 'full',
      datasets,
      seeds: seedList(seedCount),
      methods: REPRODUCE_METHODS,
      variant: REPRODUCE_VARIANT,
    },
    out,
    json: Boolean(opts.json),
    command: parts.join(' '),
  };
}

/** Progress on stderr: a bar on a terminal, one plain line per finished run otherwise. */
function progressHooks(tty: boolean, signal: AbortSignal): { hooks: ReproductionHooks; stop(): void } {
  const bar = tty
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'reproduce {bar} {percentage}% | run {run}/{runs} {dataset} {method} seed {seed} | eta {eta_formatted}', hideCursor: true, etaBuffer: 200 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  const hooks: ReproductionHooks = {
    signal,
    onRunStart: (r) => {
      // `total` and `value` are cli-progress's own tokens (the step counts): name ours apart.
      const payload = { run: r.index, runs: r.total, dataset: r.dataset, method: r.method, seed: r.seed };
      if (bar && !started) {
        bar.start(1, 0, payload);
        started = true;
      } else bar?.update(payload);
    },
    onProgress: (done, total) => {
      if (bar) {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    onRunEnd: (r, run) => {
      if (bar) return;
      const last = finalRecord(run);
      const acc = last?.testAccuracy === null || last === null ? '-' : formatNumber(last.testAccuracy);
      const lmax = last?.lambdaMax === null || last === null ? '-' : formatNumber(last.lambdaMax);
      process.stderr.write(`[${r.index}/${r.total}] ${r.dataset} ${r.method} seed ${r.seed}: ${run.status}, ${run.seconds.toFixed(1)} s, test acc ${acc}, lambda_max ${lmax}\n`);
    },
    onNotice: (m) => process.stderr.write(`${bar ? '\n' : ''}hsr: note: ${m}\n`),
  };
  return { hooks, stop: () => bar?.stop() };
}

/** The verdicts as a plain table: one row per claim and method, one column per data set. */
export function verdictTable(claims: readonly ClaimRow[]): string {
  const datasets = claims[0]?.cells.map((c) => c.dataset) ?? [];
  const rows: (string | number)[][] = [['claim', 'method', ...datasets, 'overall']];
  for (const row of claims) rows.push([row.title, row.method, ...row.cells.map((c) => c.verdict), row.overall]);
  return renderTable(rows);
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
      claims: report.claims.map((c) => ({ claim: c.claimId, method: c.method, overall: c.overall, verdicts: Object.fromEntries(c.cells.map((x) => [x.dataset, x.verdict])) })),
    });
  } else {
    const runs = results.datasets.reduce((s, d) => s + d.runs.length, 0);
    process.stdout.write(`${results.status === 'completed' ? 'completed' : 'interrupted'}: ${runs} runs in ${results.seconds.toFixed(1)} s\n\n`);
    process.stdout.write(verdictTable(report.claims));
    process.stdout.write(`\nreport: ${report.indexPath}\n`);
  }
  return { results, report };
}

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description("Reproduce the HSR paper's claims: plain, hsr-step, hsr-penalty and SAM from the same initialisations, several data sets and seeds, an offline HTML report")
    .option('--quick', `iris, blobs, moons and wine, ${QUICK_SEEDS} seeds, ${QUICK_DATASETS[0]!.epochs} epochs (a few minutes at most)`, false)
    .option('--out <dir>', 'where index.html and results.json go', DEFAULT_REPORT_DIR)
    .option('--seeds <k>', `number of seeds (default ${QUICK_SEEDS} with --quick, ${FULL_SEEDS} otherwise)`)
    .option('--datasets <list>', "comma-separated data sets instead of the protocol's (e.g. iris,digits)")
    .option('--epochs <E>', "override the protocol's epochs (for a smoke test)")
    .option('--json', 'print one JSON summary on stdout (progress still goes to stderr)', false)
    .addHelpText(
      'after',
      `
The protocol (network, optimizer, rho, lambda) is fixed and documented in docs/reproduce.md.
Without --quick the full run adds breast cancer and uses ${FULL_SEEDS} seeds and ${FULL_DATASETS[0]!.epochs} epochs.
Exit codes: 0 done, 2 bad flags, 130 interrupted (a report of the finished runs is still written).

Examples:
  hsr reproduce --quick
  hsr reproduce --out runs/report --seeds 10`,
    )
    .action((opts) =>
      runAction(async () => {
        const plan = planReproduction(opts);
        const { results } = await withInterrupt('stopping after the current step and writing the report', (signal) => runReproduceCommand(plan, { tty: Boolean(process.stderr.isTTY), signal }));
        if (results.status === 'aborted') process.exitCode = INTERRUPTED_EXIT_CODE;
      }),
    );
}
