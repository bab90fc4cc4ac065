/**
 * `hsr audit`: run every leg (dense spectrum, dense matrix, transpose, central differences,
 * autodiff, symbolic) of @hsr/crosscheck's named properties on one case — the bundled
 * default, or --model/--data — or on --runs N generated cases (plus --symbolic-runs tiny ones
 * the symbolic engines can derive), and print quantity x leg with the worst relative error
 * and pass/fail. Exit 1 on any failure, 2 on bad input or flags.
 * `--write-docs FILE` also writes the table as docs/audit.json, with the exact command.
 */
import type { Command } from 'commander';
import { SYMBOLIC_LIMITS as L } from '@hsr/crosscheck';
import { auditCase, auditGenerated, type AuditReport } from '@hsr/crosscheck/symbolic';
import { checkModelData, readDataFile, readModel, writeFileAtomic } from '@hsr/io';
import { DEFAULT_CASE_NAME, DEFAULT_DATA_PATH, DEFAULT_MODEL_PATH } from '../defaults.ts';
import { lossOf } from '@hsr/numeric';
import { CheckFailed, parseNumber, parsePath, parseSeed, runAction, UsageError } from '../errors.ts';
import { printJson, renderTable } from '../output.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import { addLossOptions, applyLossChoice, readLossChoice } from '../lossFlags.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

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

export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description(COMMAND_SUMMARIES.audit)
    .option('--model <file>', 'model JSON or a PyTorch state_dict as .safetensors (default: the bundled Iris network)')
    .option('--activation <name>', 'the activation of a .safetensors model whose __metadata__ does not name it')
    .option('--data <file>', 'data JSON or CSV (default: bundled Iris)')
    .option('--runs <n>', 'audit N generated cases (every activation, bias, variant, saturated and tiny weights) instead of one case')
    .option('--seed <s>', 'seed for --runs', '1')
    .option('--symbolic-runs <k>', 'with --runs: also audit K tiny generated cases (d, h <= 2, c = 2, N <= 2) that nerdamer and mathjs can derive', '2')
    .option('--json', 'print the table as one JSON object', false)
    .option('--write-docs <file>', 'also write the table as a docs JSON file {generatedBy, case, rows}');
  addVariantOptions(cmd);
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

Examples:
  hsr audit
  hsr audit --model net.json --data train.csv --json
  hsr audit --runs 50 --seed 7
  hsr audit --runs 20 --loss mse

--runs draws every loss unless --loss names one (--label-smoothing is then not used: the
generated label-smoothing cases draw their own eps).`,
  );
  cmd.action((opts) =>
    runAction(() => {
      if ((opts.model === undefined) !== (opts.data === undefined)) throw new UsageError('--model and --data go together (or give neither for the bundled Iris case)');
      if (opts.runs !== undefined && opts.model !== undefined) throw new UsageError('--runs generates its own cases: give either --runs or --model/--data');
      if (opts.runs === undefined && cmd.getOptionValueSource('symbolicRuns') === 'cli') throw new UsageError('--symbolic-runs goes with --runs');
      const variant = readVariant(opts);
      const lossChoice = readLossChoice(opts);
      let report: AuditReport;
      if (opts.runs !== undefined) {
        const runs = parseNumber('--runs', opts.runs, { integer: true, min: 1 });
        const seed = parseSeed('--seed', opts.seed);
        const symbolicRuns = parseNumber('--symbolic-runs', opts.symbolicRuns, { integer: true, min: 0 });
        if (lossChoice.labelSmoothing !== undefined) throw new UsageError('--label-smoothing: not with --runs (the generated label-smoothing cases draw their own eps)');
        report = auditGenerated(runs, seed, lossChoice.loss ? { losses: [lossChoice.loss] } : {}, undefined, symbolicRuns);
      } else {
        const modelPath: string = opts.model === undefined ? DEFAULT_MODEL_PATH : parsePath('--model', opts.model);
        const dataPath: string = opts.data === undefined ? DEFAULT_DATA_PATH : parsePath('--data', opts.data);
        const { model } = applyLossChoice(readModel(modelPath, { activation: opts.activation }).model, lossChoice);
        const data = readDataFile(dataPath);
        checkModelData(model, modelPath, data, dataPath);
        const name = opts.model ? `${modelPath} on ${dataPath}` : DEFAULT_CASE_NAME;
        const lossTag = lossOf(model) === 'cross-entropy' ? '' : `${lossOf(model)}, `;
        const label = `${name} [${lossTag}${variant.reduction}/${variant.block}/${variant.curvature}], P = ${model.hiddenDim * (model.inputDim + (model.b ? 1 : 0)) + model.classes * (model.hiddenDim + (model.a ? 1 : 0))}, N = ${data.samples}`;
        report = auditCase(model, data, variant, label);
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
