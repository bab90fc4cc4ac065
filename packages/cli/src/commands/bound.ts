/**
 * `hsr bound`: the closed-form traces and all five Wolkowicz–Styan bounds for one model and
 * data set, optionally beside the exact spectrum of the dense Hessian, with each bound's
 * margin over the exact eigenvalue it bounds.
 * The --json shape is a public contract: keep it stable (fields are only ever added):
 *   {"parameters", "samples", "traceH", "traceH2", "mean", "spread", "bounds": {...},
 *    "exact"?: {"lambdaMax", "lambdaMin", "traceH", "traceH2", "margins": {...}, "holds": {...}},
 *    "spreadSquaredClamped"?, "variant", "model", "data"}
 * and with --hvp-budget {"parameters", "samples", "estimated": {...}, "variant", "model", "data"}
 * (boundEstimate.ts). With --shard I/K it prints (or writes with --out) a partial for
 * `hsr reduce` instead, which prints this same object.
 */
import type { Command } from 'commander';
import { formulaByLabel } from '@hsr/symbolic/registry';
import { RTOL_SPECTRUM_ENCLOSURE } from '@hsr/crosscheck/tolerances';
import {
  BOUND_VALUE_KEYS,
  boundValues,
  type BoundValues,
  denseHessian,
  hessianTraces,
  matrixTraces,
  symmetricEigenvalues,
  wolkowiczStyanBounds,
  type Dataset,
  type Model,
  type SymmetricMatrix,
  type TraceOptions,
  type Variant,
} from '@hsr/numeric';
import { checkOutputsFinite } from '@hsr/io';
import { runAction, UsageError } from '../errors.ts';
import { formatNumber, printJson, renderTable } from '../output.ts';
import { TERMS } from '../programInfo.ts';
import { loadCase, provenanceText, type Provenance } from '../provenance.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import { addLossOptions } from '../lossFlags.ts';
import { addComputeOptions, readComputeOptions, runClosedForm } from './computeOptions.ts';
import { addHvpBudgetOptions, computeEstimatedBound, readHvpBudget, renderEstimatedBound } from './boundEstimate.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';
import { addLayersOption, computeLayeredBoundReport, computeLayeredEstimatedBound, isLayeredModelFile, layeredProvenance, layeredProvenanceText, loadLayeredCase, readDeepVariant } from './layeredCase.ts';

/**
 * The bounds as --help prints them: the registry's plain-text form of eq:ws-bounds and
 * eq:range-bound (the registry owns the formula text; @hsr/symbolic/registry loads no CAS).
 */
function boundsHelp(): string {
  const [given, ...bounds] = formulaByLabel('eq:ws-bounds').text ?? [];
  const lines = [...bounds, ...(formulaByLabel('eq:range-bound').text ?? [])];
  return `Bounds (Wolkowicz & Styan 1980), with ${given}:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

/** Largest P for which --exact builds the dense P x P Hessian (P^2 doubles, O(P^3) solve). */
export const MAX_EXACT_PARAMETERS = 3000;

/** Which exact quantity each bound bounds, and from which side. */
const BOUNDED: Readonly<Record<keyof BoundValues, { exact: 'lambdaMax' | 'lambdaMin' | 'range'; side: 'upper' | 'lower' }>> = {
  lambdaMaxUpper: { exact: 'lambdaMax', side: 'upper' },
  lambdaMaxLower: { exact: 'lambdaMax', side: 'lower' },
  lambdaMinUpper: { exact: 'lambdaMin', side: 'upper' },
  lambdaMinLower: { exact: 'lambdaMin', side: 'lower' },
  rangeUpper: { exact: 'range', side: 'upper' },
};

export interface ExactSpectrum {
  lambdaMax: number;
  lambdaMin: number;
  traceH: number;
  traceH2: number;
  /** Per bound: bound - exact (>= 0 for an upper bound that holds, <= 0 for a lower one). */
  margins: Record<keyof BoundValues, number>;
  /** Per bound: whether the margin has its bound's sign, up to RTOL_SPECTRUM_ENCLOSURE max|lambda| (the eigen-solver's round-off). */
  holds: Record<keyof BoundValues, boolean>;
}

export interface BoundReport {
  parameters: number;
  samples: number;
  traceH: number;
  traceH2: number;
  mean: number;
  spread: number;
  bounds: BoundValues;
  exact?: ExactSpectrum;
  /** Present only when s^2 came out negative by round-off and was clamped to 0. */
  spreadSquaredClamped?: number;
}

/** What --json prints: the numbers and where they come from. */
export type BoundOutput = BoundReport & Provenance;

export function computeBoundReport(model: Model, data: Dataset, variant: Variant, exact: boolean, options: TraceOptions = {}): BoundReport {
  const t = hessianTraces(model, data, variant, undefined, options);
  const report = boundReportFromTraces(t.traceH, t.traceH2, t.parameters, data.samples);
  if (exact) {
    if (t.parameters > MAX_EXACT_PARAMETERS) {
      throw new UsageError(`--exact: P = ${t.parameters} is above ${MAX_EXACT_PARAMETERS}; the dense Hessian would need ${formatNumber((t.parameters ** 2 * 8) / 2 ** 20)} MiB and an O(P^3) solve`);
    }
    const H = denseHessian(model, data, variant);
    report.exact = exactSpectrumOf(report, H, symmetricEigenvalues(H));
  }
  return report;
}

/** The exact spectrum's extremes and traces, and each bound's margin over what it bounds. */
export function exactSpectrumOf(report: BoundReport, H: SymmetricMatrix, ev: ArrayLike<number>): ExactSpectrum {
  const mt = matrixTraces(H);
  const lambdaMax = ev[ev.length - 1]!;
  const lambdaMin = ev[0]!;
  const exactOf = { lambdaMax, lambdaMin, range: lambdaMax - lambdaMin };
  const slack = RTOL_SPECTRUM_ENCLOSURE * Math.max(Math.abs(lambdaMax), Math.abs(lambdaMin));
  const margins = {} as Record<keyof BoundValues, number>;
  const holds = {} as Record<keyof BoundValues, boolean>;
  for (const key of BOUND_VALUE_KEYS) {
    const { exact: which, side } = BOUNDED[key];
    margins[key] = report.bounds[key] - exactOf[which];
    holds[key] = side === 'upper' ? margins[key] >= -slack : margins[key] <= slack;
  }
  return { lambdaMax, lambdaMin, traceH: mt.traceH, traceH2: mt.traceH2, margins, holds };
}

/** The report's fields from T1, T2 and P (shared with `hsr reduce`, so a reduced run prints the same object). */
export function boundReportFromTraces(traceH: number, traceH2: number, parameters: number, samples: number): BoundReport {
  const b = wolkowiczStyanBounds(traceH, traceH2, parameters);
  const report: BoundReport = { parameters, samples, traceH, traceH2, mean: b.mean, spread: b.spread, bounds: boundValues(b) };
  if (b.clamped) report.spreadSquaredClamped = b.spreadSquaredRaw;
  return report;
}

const BOUND_LABEL: Record<keyof BoundValues, string> = {
  lambdaMaxUpper: 'lambda_max upper',
  lambdaMaxLower: 'lambda_max lower',
  lambdaMinUpper: 'lambda_min upper',
  lambdaMinLower: 'lambda_min lower',
  rangeUpper: 'range upper',
};

/** The table: closed forms, and with --exact one row per exact eigenvalue and each bound's margin over it. */
export function renderBoundReport(r: BoundReport, header: string): string {
  const ex = r.exact;
  const rows: (string | number)[][] = [ex ? ['quantity', 'closed form', 'exact (dense)', 'bound - exact', 'holds'] : ['quantity', 'closed form']];
  rows.push(['tr H (T1)', r.traceH, ...(ex ? [ex.traceH, '', ''] : [])]);
  rows.push(['tr H^2 (T2)', r.traceH2, ...(ex ? [ex.traceH2, '', ''] : [])]);
  rows.push(['mean eigenvalue m', r.mean, ...(ex ? ['', '', ''] : [])]);
  rows.push(['spread s', r.spread, ...(ex ? ['', '', ''] : [])]);
  const exactRow: Record<string, [string, number]> | undefined = ex && {
    lambdaMax: ['lambda_max', ex.lambdaMax],
    lambdaMin: ['lambda_min', ex.lambdaMin],
    range: ['range lambda_max - lambda_min', ex.lambdaMax - ex.lambdaMin],
  };
  let previous: string | undefined;
  for (const key of BOUND_VALUE_KEYS) {
    const { exact: which, side } = BOUNDED[key];
    if (ex && exactRow && which !== previous) rows.push([exactRow[which]![0], '', exactRow[which]![1], '', '']);
    previous = which;
    if (!ex) rows.push([BOUND_LABEL[key], r.bounds[key]]);
    else rows.push([`  ${BOUND_LABEL[key]}`, r.bounds[key], '', signed(ex.margins[key]), ex.holds[key] ? `yes (${side === 'upper' ? '>= 0' : '<= 0'})` : 'NO']);
  }
  let out = `${header}P = ${r.parameters} parameters, N = ${r.samples} samples\n\n${renderTable(rows)}`;
  if (ex) out += `bound - exact: an upper bound holds when it is >= 0, a lower bound when it is <= 0 (up to ${RTOL_SPECTRUM_ENCLOSURE} max|lambda| of eigen-solver round-off); its size is how tight the bound is\n`;
  if (r.spreadSquaredClamped !== undefined) out += `note: s^2 = ${r.spreadSquaredClamped} < 0 by round-off; clamped to 0 (all eigenvalues equal to m)\n`;
  return out;
}

/** A margin with its sign always shown: +0.25, -1.3e-05. */
function signed(x: number): string {
  return x > 0 ? `+${formatNumber(x)}` : x === 0 ? '0' : formatNumber(x);
}

export function registerBound(program: Command): void {
  const cmd = program
    .command('bound')
    .description(COMMAND_SUMMARIES.bound)
    .option('--model <file>', 'model JSON {"activation","W","b"?,"V","a"?} or a PyTorch state_dict as .safetensors (default: the bundled Iris network)')
    .option('--data <file>', 'data as JSON {"X","y"} or CSV with a "label" column (default: bundled Iris)')
    .option('--activation <name>', "the activation of a .safetensors model whose __metadata__ does not name it (sigmoid, tanh, softplus, silu, gelu; PyTorch's class names work)")
    .option('--exact', 'also form the dense Hessian: its exact extreme eigenvalues and traces, and each bound minus the eigenvalue it bounds', false)
    .option('--json', 'print exactly one JSON object', false);
  addVariantOptions(cmd);
  addLossOptions(cmd);
  addLayersOption(cmd);
  addHvpBudgetOptions(cmd);
  addComputeOptions(cmd);
  cmd.addHelpText(
    'after',
    `
${boundsHelp()}
${TERMS}

Without --model/--data, runs on the bundled Iris 4-8-3 tanh network. The output starts with
where the model came from (file, format, float32 weights widened to float64, activation),
the data and the variant; --json carries the same as "model", "data" and "variant".
--hvp-budget K replaces the closed-form T1, T2 by estimates from K Hessian-vector products
(labelled ESTIMATED; they are not guaranteed bounds).

Scale: the pair sums run in tiles of samples (memory grows like N, not N^2) on --threads
threads; --shard I/K computes one block of sample pairs, and \`hsr reduce\` merges the K
partials into exactly the unsharded T1, T2 and bounds (see docs/performance.md for job arrays).

Examples:
  hsr bound --exact
  hsr bound --model net.json --data train.csv --block first --json
  hsr bound --model model.safetensors --data train.csv --activation tanh
  hsr bound --model net.json --data big.csv --shard 3/8 --out part-3.json
  hsr bound --model deep.json --data train.csv --layers 1,3   (a layered model of any depth)`,
  );
  cmd.action((opts) =>
    runAction(() => {
      const variant = readVariant(opts);
      const hvp = readHvpBudget(opts);
      const compute = readComputeOptions(opts);
      if (compute.shard && opts.exact) throw new UsageError('--exact: not with --shard (the dense Hessian is not a sum over sample pairs)');
      if (compute.shard && hvp) throw new UsageError('--hvp-budget: not with --shard (the estimate is not a sum over sample pairs)');
      if (opts.layers !== undefined || isLayeredModelFile(opts.model)) {
        runLayeredBound(opts, variant, hvp, Boolean(compute.shard));
        return;
      }
      const { model, data, provenance } = loadCase(opts, variant);
      if (hvp) {
        const estimated = computeEstimatedBound(model, data, variant, hvp.budget, hvp.seed);
        const e = estimated.estimated;
        checkOutputsFinite({ 'the estimated tr H': e.traceH, 'the estimated tr H^2': e.traceH2, 'the estimated bounds': Object.values(e.bounds) }, model, provenance.model.file, data, provenance.data.file);
        if (opts.json) printJson({ ...estimated, ...provenance });
        else process.stdout.write(renderEstimatedBound(estimated, provenanceText(provenance).trimEnd()));
        return;
      }
      const report = runClosedForm('hsr bound', compute, 'traces', { model, data, variant, provenance }, (options) => computeBoundReport(model, data, variant, Boolean(opts.exact), options));
      if (report === null) return;
      checkOutputsFinite(
        {
          'tr H': report.traceH,
          'tr H^2': report.traceH2,
          'the bounds': Object.values(report.bounds),
          'the dense spectrum': report.exact ? [report.exact.lambdaMax, report.exact.lambdaMin, report.exact.traceH, report.exact.traceH2] : [],
        },
        model,
        provenance.model.file,
        data,
        provenance.data.file,
      );
      if (opts.json) printJson({ ...report, ...provenance } satisfies BoundOutput);
      else process.stdout.write(renderBoundReport(report, provenanceText(provenance)));
    }),
  );
}

/** `hsr bound` on a layered model file (any depth) or with --layers. */
function runLayeredBound(
  opts: { model?: string; data?: string; activation?: string; loss?: string; labelSmoothing?: string; layers?: string; exact?: boolean; json?: boolean },
  variant: Variant,
  hvp: { budget: number; seed: number } | null,
  sharded: boolean,
): void {
  if (sharded) throw new UsageError('--shard: a layered model runs on one process for now (no --shard with --layers or a deeper model)');
  const { model, data, modelPath, dataPath, loss } = loadLayeredCase(opts);
  const deep = readDeepVariant(variant, opts.layers, model);
  if (hvp) {
    const estimated = computeLayeredEstimatedBound(model, data, deep, hvp.budget, hvp.seed);
    const e = estimated.estimated;
    for (const x of [e.traceH, e.traceH2, ...Object.values(e.bounds)]) {
      if (!Number.isFinite(x)) throw new UsageError(`${modelPath}: the estimate overflowed float64 (T1 = ${e.traceH}, T2 = ${e.traceH2}); scale the weights or the inputs of ${dataPath}`);
    }
    const provenance = layeredProvenance(model, modelPath, dataPath, data, deep, loss);
    if (opts.json) printJson({ ...estimated, ...provenance });
    else process.stdout.write(renderEstimatedBound(estimated, layeredProvenanceText(provenance).trimEnd()));
    return;
  }
  const report = computeLayeredBoundReport(model, data, deep, Boolean(opts.exact));
  for (const x of [report.traceH, report.traceH2, ...Object.values(report.bounds)]) {
    if (!Number.isFinite(x)) throw new UsageError(`${modelPath}: the closed form overflowed float64 (T1 = ${report.traceH}, T2 = ${report.traceH2}); scale the weights or the inputs of ${dataPath}`);
  }
  const provenance = layeredProvenance(model, modelPath, dataPath, data, deep, loss);
  if (opts.json) printJson({ ...report, ...provenance });
  else process.stdout.write(renderBoundReport(report, layeredProvenanceText(provenance)));
}
