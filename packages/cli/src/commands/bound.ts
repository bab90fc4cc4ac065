/**
 * `hsr bound`: the closed-form traces and all five Wolkowicz–Styan bounds for one model and
 * data set, optionally beside the exact spectrum of the dense Hessian.
 * The --json shape is a public contract: keep it stable.
 */
import type { Command } from 'commander';
import { formulaByLabel } from '@hsr/symbolic/registry';
import { boundValues, type BoundValues, denseHessian, hessianTraces, matrixTraces, symmetricEigenvalues, wolkowiczStyanBounds, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { checkModelData, readDataFile, readModelFile } from '@hsr/io';
import { DEFAULT_DATA_PATH, DEFAULT_MODEL_PATH } from '../defaults.ts';
import { runAction, UsageError } from '../errors.ts';
import { formatNumber, printJson, renderTable } from '../output.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import { addHvpBudgetOptions, computeEstimatedBound, readHvpBudget, renderEstimatedBound } from './boundEstimate.ts';

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

export interface BoundReport {
  parameters: number;
  samples: number;
  traceH: number;
  traceH2: number;
  mean: number;
  spread: number;
  bounds: BoundValues;
  exact?: { lambdaMax: number; lambdaMin: number; traceH: number; traceH2: number };
  /** Present only when s^2 came out negative by round-off and was clamped to 0. */
  spreadSquaredClamped?: number;
}

export function computeBoundReport(model: Model, data: Dataset, variant: Variant, exact: boolean): BoundReport {
  const t = hessianTraces(model, data, variant);
  const b = wolkowiczStyanBounds(t.traceH, t.traceH2, t.parameters);
  const report: BoundReport = {
    parameters: t.parameters,
    samples: data.samples,
    traceH: t.traceH,
    traceH2: t.traceH2,
    mean: b.mean,
    spread: b.spread,
    bounds: boundValues(b),
  };
  if (exact) {
    if (t.parameters > MAX_EXACT_PARAMETERS) {
      throw new UsageError(`--exact: P = ${t.parameters} is above ${MAX_EXACT_PARAMETERS}; the dense Hessian would need ${formatNumber((t.parameters ** 2 * 8) / 2 ** 20)} MiB and an O(P^3) solve`);
    }
    const H = denseHessian(model, data, variant);
    const ev = symmetricEigenvalues(H);
    const mt = matrixTraces(H);
    report.exact = { lambdaMax: ev[ev.length - 1]!, lambdaMin: ev[0]!, traceH: mt.traceH, traceH2: mt.traceH2 };
  }
  if (b.clamped) report.spreadSquaredClamped = b.spreadSquaredRaw;
  return report;
}

export function renderBoundReport(r: BoundReport, label: string): string {
  const rows: (string | number)[][] = [['quantity', 'closed form', ...(r.exact ? ['exact (dense)'] : [])]];
  const ex = r.exact;
  rows.push(['tr H (T1)', r.traceH, ...(ex ? [ex.traceH] : [])]);
  rows.push(['tr H^2 (T2)', r.traceH2, ...(ex ? [ex.traceH2] : [])]);
  rows.push(['mean eigenvalue m', r.mean, ...(ex ? [''] : [])]);
  rows.push(['spread s', r.spread, ...(ex ? [''] : [])]);
  rows.push(['lambda_max upper', r.bounds.lambdaMaxUpper, ...(ex ? [ex.lambdaMax] : [])]);
  rows.push(['lambda_max lower', r.bounds.lambdaMaxLower, ...(ex ? [ex.lambdaMax] : [])]);
  rows.push(['lambda_min upper', r.bounds.lambdaMinUpper, ...(ex ? [ex.lambdaMin] : [])]);
  rows.push(['lambda_min lower', r.bounds.lambdaMinLower, ...(ex ? [ex.lambdaMin] : [])]);
  rows.push(['range upper', r.bounds.rangeUpper, ...(ex ? [ex.lambdaMax - ex.lambdaMin] : [])]);
  let out = `${label}\nP = ${r.parameters} parameters, N = ${r.samples} samples\n\n${renderTable(rows)}`;
  if (r.spreadSquaredClamped !== undefined) out += `note: s^2 = ${r.spreadSquaredClamped} < 0 by round-off; clamped to 0 (all eigenvalues equal to m)\n`;
  return out;
}

export function registerBound(program: Command): void {
  const cmd = program
    .command('bound')
    .description('Closed-form tr H, tr H^2 and the five Wolkowicz-Styan eigenvalue bounds of the loss Hessian')
    .option('--model <file>', 'model JSON {"activation","W","b"?,"V","a"?} (default: the bundled Iris network)')
    .option('--data <file>', 'data as JSON {"X","y"} or CSV with a "label" column (default: bundled Iris)')
    .option('--exact', 'also form the dense Hessian and report its exact extreme eigenvalues and traces', false)
    .option('--json', 'print exactly one JSON object', false);
  addVariantOptions(cmd);
  addHvpBudgetOptions(cmd);
  cmd.addHelpText(
    'after',
    `
${boundsHelp()}
Without --model/--data, runs on the bundled Iris 4-8-3 tanh network.
--hvp-budget K replaces the closed-form T1, T2 by estimates from K Hessian-vector products
(labelled ESTIMATED; they are not guaranteed bounds).

Examples:
  hsr bound --exact
  hsr bound --model net.json --data train.csv --block first --json`,
  );
  cmd.action((opts) =>
    runAction(() => {
      if ((opts.model === undefined) !== (opts.data === undefined)) throw new UsageError('--model and --data go together (or give neither for the bundled Iris case)');
      const variant = readVariant(opts);
      const hvp = readHvpBudget(opts);
      const modelPath = opts.model ?? DEFAULT_MODEL_PATH;
      const dataPath = opts.data ?? DEFAULT_DATA_PATH;
      const model = readModelFile(modelPath);
      const data = readDataFile(dataPath);
      checkModelData(model, modelPath, data, dataPath);
      const label = opts.model ? `${modelPath} on ${dataPath}` : 'bundled Iris 4-8-3 tanh network on Iris (150 samples, standardised)';
      if (hvp) {
        const estimated = computeEstimatedBound(model, data, variant, hvp.budget, hvp.seed);
        if (opts.json) printJson(estimated);
        else process.stdout.write(renderEstimatedBound(estimated, label));
        return;
      }
      const report = computeBoundReport(model, data, variant, Boolean(opts.exact));
      if (opts.json) printJson(report);
      else process.stdout.write(renderBoundReport(report, label));
    }),
  );
}
