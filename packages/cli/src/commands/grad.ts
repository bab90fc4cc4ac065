/**
 * `hsr grad`: the closed-form gradient of one Wolkowicz–Styan bound (the lambda_max upper
 * bound U by default) with respect to every parameter, in the model file's own shapes.
 * The --json shape is a public contract (fields are only ever added):
 *   {"value": U, "gradient": {"W": [[...]], "b": [...], "V": [[...]], "a": [...]}, "of",
 *    "variant", "model", "data"}
 * with b and a omitted for a model without biases, and "degenerate": true added only when
 * s = 0 (the minimum-norm subgradient was returned; see boundGradient.ts). With --shard I/K
 * it prints (or writes with --out) a partial for `hsr reduce` instead, which prints this object.
 */
import type { Command } from 'commander';
import { BOUND_KINDS, blockRange, boundGradient, toParameterShapes, type BoundGradient, type BoundKind, type Dataset, type Model, type ParameterShapes, type TraceOptions, type Variant } from '@hsr/numeric';
import { checkOutputsFinite } from '@hsr/io';
import { parseChoice, runAction } from '../errors.ts';
import { printJson, renderTable } from '../output.ts';
import { TERMS } from '../programInfo.ts';
import { loadCase, provenanceText, type Provenance } from '../provenance.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import { addLossOptions } from '../lossFlags.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';
import { addComputeOptions, readComputeOptions, runClosedForm } from './computeOptions.ts';
import { addLayersOption, layeredFileDepth, layeredGradient, loadLayeredCaseForGradient, runLayeredGrad, wantsDeepGradient } from './layeredCase.ts';

export interface GradReport {
  value: number;
  gradient: ParameterShapes<number>;
  degenerate?: true;
}

/** What --json prints: the gradient, which bound, and where the numbers come from. */
export type GradOutput = GradReport & { of: BoundKind } & Provenance;

/** The gradient of the chosen bound, shaped like the model file. */
export function computeGradReport(model: Model, data: Dataset, variant: Variant, of: BoundKind, options: TraceOptions = {}): GradReport {
  return gradReportFrom(model, boundGradient(model, data, variant, of, options));
}

/** The report from a bound gradient, in `model`'s shapes (shared with `hsr reduce`). */
export function gradReportFrom(model: Model, g: BoundGradient): GradReport {
  const shaped = toParameterShapes(model, g.gradient);
  // Rebuilt in the model file's key order (W, b, V, a), absent biases omitted.
  const gradient: ParameterShapes<number> = { W: shaped.W, ...(shaped.b ? { b: shaped.b } : {}), V: shaped.V, ...(shaped.a ? { a: shaped.a } : {}) };
  const report: GradReport = { value: g.value, gradient };
  if (g.degenerate) report.degenerate = true;
  return report;
}

const BOUND_LABEL: Record<BoundKind, string> = {
  upper: 'lambda_max upper bound U = m + s sqrt(P-1)',
  lower: 'lambda_min lower bound m - s sqrt(P-1)',
  range: 'range bound s sqrt(2P)',
};

function frobenius(x: number[] | number[][] | undefined): number {
  if (x === undefined) return 0;
  let s = 0;
  for (const v of x.flat()) s += v * v;
  return Math.sqrt(s);
}

/** Value, then the Frobenius norm of the gradient per parameter block. */
export function renderGradReport(r: GradReport, of: BoundKind, header: string, model: Model, variant: Variant): string {
  const g = r.gradient;
  const rows: (string | number)[][] = [['block', 'shape', '||grad||']];
  rows.push(['W', `${model.hiddenDim} x ${model.inputDim}`, frobenius(g.W)]);
  if (g.b) rows.push(['b', `${model.hiddenDim}`, frobenius(g.b)]);
  rows.push(['V', `${model.classes} x ${model.hiddenDim}`, frobenius(g.V)]);
  if (g.a) rows.push(['a', `${model.classes}`, frobenius(g.a)]);
  const total = Math.sqrt(['W', 'b', 'V', 'a'].reduce((s, k) => s + frobenius(g[k as keyof ParameterShapes<number>]) ** 2, 0));
  rows.push(['all', '', total]);
  const { start, end } = blockRange(model, variant.block);
  let out = `${header}${BOUND_LABEL[of]} of the ${variant.block === 'all' ? 'full' : `${variant.block}-layer`} ${variant.curvature === 'hessian' ? 'Hessian' : 'Gauss-Newton matrix'} (P = ${end - start}, ${variant.reduction} loss)\n\n`;
  out += `value: ${r.value}\n\n${renderTable(rows)}`;
  if (r.degenerate) out += 'note: s = 0 (all eigenvalues equal): the bound has no gradient here; the minimum-norm subgradient is shown\n';
  return out;
}

export function registerGrad(program: Command): void {
  const cmd = program
    .command('grad')
    .description(COMMAND_SUMMARIES.grad)
    .option('--model <file>', 'model JSON {"activation","W","b"?,"V","a"?} or a PyTorch state_dict as .safetensors (default: the bundled Iris network)')
    .option('--data <file>', 'data as JSON {"X","y"} or CSV with a "label" column (default: bundled Iris)')
    .option('--activation <name>', "the activation of a .safetensors model whose __metadata__ does not name it (sigmoid, tanh, softplus, silu, gelu; PyTorch's class names work)")
    .option('--of <upper|lower|range>', 'which bound: lambda_max upper, lambda_min lower, or the spectral range', 'upper')
    .option('--json', 'print exactly one JSON object {"value", "gradient": {"W","b","V","a"}, "of", "variant", "model", "data"}', false);
  addVariantOptions(cmd);
  addLossOptions(cmd);
  addLayersOption(cmd);
  addComputeOptions(cmd);
  cmd.addHelpText(
    'after',
    `
The gradient has the model file's shapes (b and a omitted without biases) and covers every
parameter whatever --block says (the first-layer block's bound still depends on V).
Without --model/--data, runs on the bundled Iris 4-8-3 tanh network. The output starts with
where the model came from (file, format, float32 weights widened to float64, activation),
the data and the variant.

With --shard I/K the shard's parts of grad T1 and grad T2 are written for \`hsr reduce\`, which
applies --of (the bound is chosen at the reduce).

${TERMS}

Examples:
  hsr grad --json
  hsr grad --model net.json --data train.csv --of range --block second
  hsr grad --model model.safetensors --data train.csv --json
  hsr grad --model net.json --data big.csv --shard 2/4 --out part-2.json
  hsr grad --model deep.json --data train.csv --layers 1,3 --json   (a layered model of any depth:
    {"value", "layers": [{"W", "b"?}, ...], "of", ...})`,
  );
  cmd.action((opts) =>
    runAction(() => {
      const variant = readVariant(opts);
      const of = parseChoice('--of', opts.of, BOUND_KINDS);
      const compute = readComputeOptions(opts);
      // The model file is peeked at once: whether it is layered, and how deep.
      const depth = layeredFileDepth(opts.model);
      if (wantsDeepGradient(opts, depth)) {
        runLayeredGrad(opts, variant, of, compute.shard !== null);
        return;
      }
      const layered = depth !== null;
      const { model, data, provenance } = layered ? loadLayeredCaseForGradient(opts, variant) : loadCase(opts, variant);
      const report = runClosedForm('hsr grad', compute, 'gradients', { model, data, variant, provenance }, (options) => computeGradReport(model, data, variant, of, options));
      if (report === null) return;
      checkOutputsFinite({ 'the bound': report.value, 'its gradient': Object.values(report.gradient).flat(2) as number[] }, model, provenance.model.file, data, provenance.data.file);
      // A layered file gets its gradient back in its own shape: {"value", "layers": [{"W", "b"?}, ...]}.
      if (opts.json && layered) printJson({ value: report.value, layers: layeredGradient(report), ...(report.degenerate ? { degenerate: true } : {}), of, ...provenance });
      else if (opts.json) printJson({ ...report, of, ...provenance } satisfies GradOutput);
      else process.stdout.write(renderGradReport(report, of, provenanceText(provenance), model, variant));
    }),
  );
}
