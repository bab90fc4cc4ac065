/**
 * `hsr audit`: run every leg (dense spectrum, dense matrix, transpose, central differences,
 * autodiff, symbolic) of @hsr/crosscheck's named properties on one case — the bundled
 * default, or --model/--data — or on --runs N generated cases (plus --symbolic-runs tiny ones
 * the symbolic engines can derive), and print quantity x leg with the worst relative error
 * and pass/fail. Exit 1 on any failure, 2 on bad input or flags.
 * `--write-docs FILE` also writes the table as docs/audit.json, with the exact command.
 *
 * MLPs of any depth: a layered model file (detected by its "layers", as `hsr bound` does; or any
 * model with --layers) runs crosscheck's layered properties (dense deep spectrum and matrix,
 * transpose, central differences, autodiff, symbolic on tiny networks) on that case, and
 * `--runs N --depth L` on N generated layered cases of depth L (plus --symbolic-runs tiny ones).
 * The same table, exit codes and --json.
 */
import type { Command } from 'commander';
import { LAYERED_SYMBOLIC_LIMITS as DL, SYMBOLIC_LIMITS as L, type Implementations, type LayeredImplementations } from '@hsr/crosscheck';
import { auditCase, auditGenerated, auditLayeredCase, auditLayeredGenerated, type AuditReport } from '@hsr/crosscheck/symbolic';
import { checkModelData, readDataFile, readModel, writeFileAtomic } from '@hsr/io';
import { DEFAULT_CASE_NAME, DEFAULT_DATA_PATH, DEFAULT_MODEL_PATH } from '../defaults.ts';
import { layeredParameterCount, lossOf } from '@hsr/numeric';
import { CheckFailed, parseNumber, parsePath, parseSeed, runAction, UsageError } from '../errors.ts';
import { printJson, renderTable } from '../output.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import { addLossOptions, applyLossChoice, readLossChoice } from '../lossFlags.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';
import { addLayersOption, isLayeredModelFile, loadLayeredCase, readDeepVariant } from './layeredCase.ts';

/** The deepest --depth (measured: `--runs 1 --depth 6 --symbolic-runs 2` takes 13 s of CPU and 450 MB; the autodiff legs' cost grows with depth). */
const MAX_DEPTH = 6;

/** The closed forms `hsr audit` holds to account: numeric's, unless a test plants others (a mutant, to see the audit fail). */
export interface AuditImplementations {
  twoLayer?: Implementations;
  layered?: LayeredImplementations;
}

/** The table as printed: one row per quantity x leg. */
export function renderAuditReport(r: AuditReport): string {
  const rows: (string | number)[][] = [['quantity', 'leg', 'worst relative error', 'tolerance', 'result']];
  for (const row of r.rows) rows.push([row.quantity, row.leg, row.worstRelativeError.toExponential(2), row.tolerance.toExponential(0), row.pass ? 'pass' : 'FAIL']);
  let out = `audit of ${r.case}\n\n${renderTable(rows)}`;
  for (const n of r.notChecked) out += `not checked: ${n.property}: ${n.reason}\n`;
  for (const f of r.failures) out += `failure: ${f}\n`;
  out += r.pass ? `all ${r.rows.length} checks pass\n` : `${r.rows.filter((x) => !x.pass).length} of ${r.rows.length} checks FAIL\n`;
  return out;
}

/** The docs/audit.json document: deterministic for a given command and code. */
export function auditDocument(r: AuditReport, command: string): object {
  return {
    generatedBy: command,
    case: r.case,
    rows: r.rows.map((row) => ({ quantity: row.quantity, leg: row.leg, worstRelativeError: row.worstRelativeError, pass: row.pass })),
  };
}

export function registerAudit(program: Command, implementations: AuditImplementations = {}): void {
  const cmd = program
    .command('audit')
    .description(COMMAND_SUMMARIES.audit)
    .option('--model <file>', 'model JSON (W, b, V, a; or {"layers": [...]} of any depth) or a PyTorch state_dict as .safetensors (default: the bundled Iris network)')
    .option('--activation <name>', 'the activation of a .safetensors model whose __metadata__ does not name it')
    .option('--data <file>', 'data JSON or CSV (default: bundled Iris)')
    .option('--runs <n>', 'audit N generated cases (every activation, bias, variant, saturated and tiny weights) instead of one case')
    .option('--seed <s>', 'seed for --runs', '1')
    .option('--depth <L>', `with --runs: generate MLPs of L linear layers (2..${MAX_DEPTH}) and audit the layered properties instead of the two-layer ones`)
    .option('--symbolic-runs <k>', 'with --runs: also audit K tiny generated cases (d, h <= 2, c = 2, N <= 2; with --depth widths 1) that nerdamer and mathjs can derive', '2')
    .option('--json', 'print the table as one JSON object', false)
    .option('--write-docs <file>', 'also write the table as a docs JSON file {generatedBy, case, rows}');
  addVariantOptions(cmd);
  addLayersOption(cmd);
  addLossOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Legs: dense eigenvalues (T1, T2, the five WS inequalities), dense matrix (diagonal sum,
Frobenius norm), transpose (symmetry), central difference (five-point; loss gradient,
Hessian, activation derivatives, trace and bound gradients), autodiff (@hsr/autodiff),
symbolic (nerdamer) and symbolic (mathjs) (@hsr/symbolic: the loss differentiated by computer
algebra, each engine a separate leg). Symbolic derivation cost grows like c P^3, so that leg
runs only on small networks (nerdamer P <= ${L.nerdamer.second}, gradients P <= ${L.nerdamer.third}; mathjs
P <= ${L.mathjs.second}, gradients P <= ${L.mathjs.third}, N <= ${L.mathjs.samples}; Gauss-Newton from J and S for
P <= ${L.gaussNewton}, without gradients) and says "not
checked" with the reason elsewhere; --runs adds --symbolic-runs tiny cases so it always has
something to check.

Any depth: a layered model file {"activation", "layers": [{"W", "b"?}, ...]} (or --layers 1,3
for a block of layers) is audited with the layered properties: the same legs, against numeric's
dense deep Hessian, the autodiff deep oracle, five-point differences and, on tiny networks, the
symbolic engines (mathjs P <= ${DL.mathjs.second}, gradients P <= ${DL.mathjs.third}; nerdamer P <= ${DL.nerdamer.tanh.second} for tanh,
${DL.nerdamer.sigmoid.second} for sigmoid and softplus, second order only: its cost grows with nested exponentials).
--runs N --depth L draws N layered cases of L linear layers (widths 1..3, per-layer
activations, any block of layers) and --symbolic-runs tiny ones (widths 1, c = 2).

Examples:
  hsr audit
  hsr audit --model net.json --data train.csv --json
  hsr audit --runs 50 --seed 7
  hsr audit --runs 20 --loss mse
  hsr audit --model deep.json --data train.csv --layers 1,3
  hsr audit --runs 10 --depth 3

--runs draws every loss unless --loss names one (--label-smoothing is then not used: the
generated label-smoothing cases draw their own eps).`,
  );
  cmd.action((opts) =>
    runAction(() => {
      if ((opts.model === undefined) !== (opts.data === undefined)) throw new UsageError('--model and --data go together (or give neither for the bundled Iris case)');
      if (opts.runs !== undefined && opts.model !== undefined) throw new UsageError('--runs generates its own cases: give either --runs or --model/--data');
      if (opts.runs === undefined && cmd.getOptionValueSource('symbolicRuns') === 'cli') throw new UsageError('--symbolic-runs goes with --runs');
      if (opts.runs === undefined && opts.depth !== undefined) throw new UsageError('--depth goes with --runs (a model file has its own depth)');
      if (opts.runs !== undefined && opts.layers !== undefined) throw new UsageError('--layers: not with --runs (the generated cases draw their own blocks of layers)');
      const variant = readVariant(opts);
      const lossChoice = readLossChoice(opts);
      let report: AuditReport;
      if (opts.runs !== undefined) {
        const runs = parseNumber('--runs', opts.runs, { integer: true, min: 1 });
        const seed = parseSeed('--seed', opts.seed);
        const symbolicRuns = parseNumber('--symbolic-runs', opts.symbolicRuns, { integer: true, min: 0 });
        if (lossChoice.labelSmoothing !== undefined) throw new UsageError('--label-smoothing: not with --runs (the generated label-smoothing cases draw their own eps)');
        const options = lossChoice.loss ? { losses: [lossChoice.loss] } : {};
        if (opts.depth !== undefined) {
          const depth = parseNumber('--depth', opts.depth, { integer: true, min: 2, max: MAX_DEPTH });
          report = auditLayeredGenerated(runs, seed, depth, options, implementations.layered, symbolicRuns);
        } else report = auditGenerated(runs, seed, options, implementations.twoLayer, symbolicRuns);
      } else if (opts.layers !== undefined || isLayeredModelFile(opts.model)) {
        const { model, data, modelPath, dataPath } = loadLayeredCase(opts);
        const deep = readDeepVariant(variant, opts.layers, model);
        const lossTag = lossOf(model) === 'cross-entropy' ? '' : `${lossOf(model)}, `;
        const label = `${modelPath} on ${dataPath} [${lossTag}${deep.reduction}/${deep.curvature}/layers ${deep.layers.map((l) => l + 1).join(',')}], L = ${model.layers.length}, P = ${layeredParameterCount(model)}, N = ${data.samples}`;
        report = auditLayeredCase(model, data, deep, label, implementations.layered);
      } else {
        const modelPath: string = opts.model === undefined ? DEFAULT_MODEL_PATH : parsePath('--model', opts.model);
        const dataPath: string = opts.data === undefined ? DEFAULT_DATA_PATH : parsePath('--data', opts.data);
        const { model } = applyLossChoice(readModel(modelPath, { activation: opts.activation }).model, lossChoice);
        const data = readDataFile(dataPath);
        checkModelData(model, modelPath, data, dataPath);
        const name = opts.model ? `${modelPath} on ${dataPath}` : DEFAULT_CASE_NAME;
        const lossTag = lossOf(model) === 'cross-entropy' ? '' : `${lossOf(model)}, `;
        const label = `${name} [${lossTag}${variant.reduction}/${variant.block}/${variant.curvature}], P = ${model.hiddenDim * (model.inputDim + (model.b ? 1 : 0)) + model.classes * (model.hiddenDim + (model.a ? 1 : 0))}, N = ${data.samples}`;
        report = auditCase(model, data, variant, label, implementations.twoLayer);
      }
      if (opts.writeDocs) {
        // The arguments as parsed (commander keeps them on the root program), not process.argv,
        // so the record is right however the program was invoked.
        const raw = (program as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
        const command = `pnpm hsr ${raw.slice(2).join(' ')}`;
        writeFileAtomic(opts.writeDocs, `${JSON.stringify(auditDocument(report, command), null, 2)}\n`);
      }
      if (opts.json) printJson(report);
      else process.stdout.write(renderAuditReport(report));
      if (!report.pass) throw new CheckFailed(`audit failed: ${report.failures[0] ?? 'see the table'}`);
    }),
  );
}
