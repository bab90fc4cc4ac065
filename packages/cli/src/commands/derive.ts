/**
 * `hsr derive`: an activation's phi', phi'', phi''' by formula, or one quantity of a small
 * network as the formula registry defines it, each printed exactly as it was checked.
 *
 *   hsr derive --activation "log(1+exp(u))"              phi..phi''' (mathjs, simplified; e as exp),
 *                                                         each parsed back and checked against
 *                                                         nerdamer and a five-point difference
 *   hsr derive --d 1 --h 2 --c 3 --quantity trace         T1 as the registry's executable definition
 *                                                         (the docs' notation: p, S, g, delta, A, ...),
 *                                                         evaluated at a seeded network and checked
 *                                                         there against nerdamer, mathjs and numeric
 *   hsr derive ... --activation "u/(1+exp(-u))" --quantity bound-grad
 *                                                         the same with a user formula (numeric, which
 *                                                         knows only its five activations, is skipped)
 *
 * --latex prints LaTeX instead of text; --json one object. Exit 0 when every check passes, 1 when
 * one fails (with --json too), 2 on a malformed flag or a formula that is not C^3 on the whole
 * line (one `hsr:` line).
 */
import type { Command } from 'commander';
import { ACTIVATIONS, isActivation, type Activation } from '@hsr/numeric';
import { activationAgreement } from '@hsr/crosscheck';
import { judgeMeasurement } from '@hsr/crosscheck/symbolic';
import {
  ACTIVATION_SAMPLE_POINTS,
  ActivationFormulaError,
  caseContext,
  caseName,
  deriveActivation,
  Evaluator,
  FORMULA_REGISTRY,
  buildSweepCase,
  renderDisplay,
  verifyCase,
  type ActivationDerivation,
  type Definition,
  type FormulaEntry,
  type SweepCase,
} from '@hsr/symbolic';
import { parseChoice, parseNumber, parseSeed, runAction, UsageError } from '../errors.ts';
import { checkActivationInput } from '../formulaInput.ts';
import { printJson } from '../output.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

export const DERIVE_QUANTITIES = ['loss', 'grad', 'hessian', 'trace', 'trace2', 'bound', 'bound-grad'] as const;
export type DeriveQuantity = (typeof DERIVE_QUANTITIES)[number];

/** The registry entry each quantity prints, and which of its definitions is "the" value. */
const QUANTITY_ENTRY: Record<DeriveQuantity, { entry: string; title: string; value: (e: FormulaEntry) => readonly Definition[] }> = {
  loss: { entry: 'loss', title: 'the loss L', value: (e) => e.definitions.filter((d) => d.name === 'L') },
  grad: { entry: 'loss-gradient', title: 'the gradient of the loss', value: (e) => e.definitions.filter((d) => d.name.startsWith('gradL')) },
  hessian: { entry: 'hessian-blocks', title: 'the Hessian blocks', value: (e) => e.definitions },
  trace: { entry: 'trace-h', title: 'T1 = tr H', value: (e) => e.definitions.filter((d) => d.name === 'T1') },
  trace2: { entry: 'trace-h2', title: 'T2 = tr H^2', value: (e) => e.definitions.filter((d) => d.name === 'T2') },
  bound: { entry: 'ws-bounds', title: 'the Wolkowicz–Styan bounds', value: (e) => e.definitions.filter((d) => ['mean', 's', 'lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower'].includes(d.name)) },
  'bound-grad': { entry: 'bound-gradient', title: 'the gradient of U', value: (e) => e.definitions.filter((d) => d.name.startsWith('gradU')) },
};

/** Above this many parameters even mathjs's entry-wise Hessian takes more than a few seconds. */
const MAX_SYMBOLIC_PARAMETERS = 50;
const ORDER_NAMES = ['phi', "phi'", "phi''", "phi'''"];
const ORDER_LATEX = ['\\varphi(u)', "\\varphi'(u)", "\\varphi''(u)", "\\varphi'''(u)"];

/** The formula of a named activation or the formula as given, vetted (ActivationFormulaError -> exit 2). */
function resolveActivation(nameOrFormula: string): { name: Activation | null; derivation: ActivationDerivation } {
  const name = isActivation(nameOrFormula) ? nameOrFormula : null;
  const formula = name ? ACTIVATIONS[name].formula : nameOrFormula;
  try {
    const reference = name ? (k: number, u: number) => ACTIVATIONS[name].all(u)[k]! : undefined;
    return { name, derivation: deriveActivation(formula, reference) };
  } catch (err) {
    if (err instanceof ActivationFormulaError) throw new UsageError(`--activation: ${err.message}`);
    throw err;
  }
}

const AGAINST_TEXT = {
  nerdamer: "nerdamer's own derivation (e and square roots opaque)",
  'five-point-difference': 'a five-point difference of the printed lower derivative',
  numeric: "@hsr/numeric's activation table",
} as const;

function activationReport(activation: string, opts: { latex: boolean; json: boolean }): void {
  const { derivation } = resolveActivation(activation);
  const agreement = activationAgreement(derivation);
  if (opts.json) {
    printJson({ formula: derivation.formula, derivatives: derivation.printed, checks: agreement.checks, pass: agreement.pass });
    if (!agreement.pass) process.exitCode = 1;
    return;
  }
  let out = `activation ${activation}${derivation.formula === activation ? '' : `: ${derivation.formula}`}\n`;
  const lines = opts.latex ? derivation.printed.latex : derivation.printed.text;
  for (const [k, l] of lines.entries()) out += `${opts.latex ? ORDER_LATEX[k] : `${ORDER_NAMES[k]}(u)`} = ${l}\n`;
  out += '\nchecked as printed (each expression parsed back and evaluated at u = -2.1, -0.7, 0.05, 0.9, 2.6):\n';
  for (const c of agreement.checks) out += `  ${c.pass ? 'pass' : 'FAIL'}  vs ${AGAINST_TEXT[c.against]}: worst relative error ${c.worstRelativeError.toExponential(2)} (tolerance ${c.tolerance})\n`;
  out += agreement.pass ? 'pass\n' : 'FAIL: the printed derivatives disagree with an independent derivation\n';
  process.stdout.write(out);
  if (!agreement.pass) process.exitCode = 1;
}

export function registerDerive(program: Command): void {
  const cmd = program
    .command('derive')
    .description(COMMAND_SUMMARIES.derive)
    .option('--activation <name|formula>', 'sigmoid, tanh, softplus, silu, gelu, or a C^3 formula in u such as "log(1+exp(u))"', 'tanh')
    .option('--d <n>', 'input dimension (network quantities)')
    .option('--h <n>', 'hidden units', '1')
    .option('--c <n>', 'classes', '2')
    .option('--n <n>', 'samples at the evaluation point', '1')
    .option('--bias', 'biases on', false)
    .option('--quantity <q>', `one of ${DERIVE_QUANTITIES.join(', ')} (needs --d)`)
    .option('--seed <n>', 'seed of the evaluation point', '1')
    .option('--latex', 'print LaTeX instead of text', false)
    .option('--json', 'print exactly one JSON object', false);
  addVariantOptions(cmd).action((opts) =>
    runAction(() => {
      // The grammar check first, so no engine sees malformed text; resolveActivation then vets smoothness.
      const activation: string = checkActivationInput(String(opts.activation), ACTIVATION_SAMPLE_POINTS);
      if (opts.quantity === undefined && opts.d === undefined) return activationReport(activation, opts);
      if (opts.d === undefined) throw new UsageError('--quantity needs the network shape: --d (and --h, --c, --n)');
      const quantity = parseChoice('--quantity', opts.quantity ?? 'loss', DERIVE_QUANTITIES);
      const d = parseNumber('--d', opts.d, { integer: true, min: 1 });
      const h = parseNumber('--h', opts.h, { integer: true, min: 1 });
      const c = parseNumber('--c', opts.c, { integer: true, min: 2 });
      const n = parseNumber('--n', opts.n, { integer: true, min: 1 });
      const seed = parseSeed('--seed', opts.seed);
      const variant = readVariant(opts);
      const bias = Boolean(opts.bias);
      const P = h * (d + (bias ? 1 : 0)) + c * (h + (bias ? 1 : 0));
      if (P > MAX_SYMBOLIC_PARAMETERS) throw new UsageError(`P = ${P} parameters: symbolic derivation is for small networks (P <= ${MAX_SYMBOLIC_PARAMETERS})`);
      const { name, derivation } = resolveActivation(activation);
      const activationCheck = activationAgreement(derivation);
      const sweepCase: SweepCase = { activation: name ?? 'tanh', inputDim: d, hiddenDim: h, classes: c, samples: n, bias, ...variant, seed };
      const target = QUANTITY_ENTRY[quantity];
      const entry = FORMULA_REGISTRY.find((e) => e.id === target.entry)!;
      const [fn0, fn1, fn2, fn3] = derivation.functions;
      const formulaOptions = name ? {} : { formula: derivation.formula, formulaFunctions: { phi: fn0, phi1: fn1, phi2: fn2, phi3: fn3 } };
      const result = verifyCase(sweepCase, { entries: new Set([entry.id]), ...formulaOptions });
      const checks = result.measurements.map((m) => {
        const j = judgeMeasurement(m);
        return { quantity: m.quantity, against: m.leg, relativeError: m.maxAbsError / Math.max(m.scale, 1e-300), tolerance: j.tolerance, pass: j.pass };
      });
      const pass = activationCheck.pass && checks.length > 0 && checks.every((x) => x.pass);
      // The values of the quantity's definitions at the case, from the definitions themselves.
      const { model, data } = buildSweepCase(sweepCase);
      const ev = new Evaluator(caseContext({ model, data, variant, ...(name ? {} : { activation: formulaOptions.formulaFunctions! }) }));
      const values = Object.fromEntries(target.value(entry).map((def) => [def.name, def.indices.length === 0 ? ev.scalar(def) : Array.from(ev.value(def).data)]));
      const style = opts.latex ? 'latex' : 'text';
      const formulas = entry.displays.map((disp) => renderDisplay(disp.formulas, style));
      const shape = { d, h, c, n, bias, parameters: P, ...variant };
      if (opts.json) {
        printJson({
          quantity,
          entry: entry.label,
          shape,
          activation: derivation.formula,
          formulas,
          evaluatedAt: { seed, case: caseName(sweepCase), note: 'weights and biases ~ N(0, 0.8^2), inputs ~ N(0, 1), labels cycling from a seeded offset' },
          values,
          activationChecks: activationCheck.checks,
          checks,
          notRun: result.skips.map((s) => ({ against: s.leg, reason: s.reason })),
          pass,
        });
        if (!pass) process.exitCode = 1;
        return;
      }
      let out = `${target.title} (${entry.label}) of a d = ${d}, h = ${h}, c = ${c} network${bias ? ' with biases' : ''}, N = ${n}, activation ${derivation.formula}, ${variant.reduction}, block ${variant.block}, ${variant.curvature} (P = ${P}), in the notation of docs/formulas.md#${entry.id}:\n\n`;
      out += `${formulas.join('\n')}\n\n`;
      if (opts.latex) for (const v of entry.variables) out += `  ${v.symbol}: ${v.meaning}\n`;
      out += `\nvalue at seed ${seed} (weights and biases ~ N(0, 0.8^2), inputs ~ N(0, 1)):\n`;
      for (const [k, v] of Object.entries(values)) out += `  ${k} = ${JSON.stringify(v)}\n`;
      out += '\nchecked there:\n';
      if (!name) out += `  ${activationCheck.pass ? 'pass' : 'FAIL'}  the activation's printed derivatives (hsr derive --activation "${activation}")\n`;
      for (const x of checks) out += `  ${x.pass ? 'pass' : 'FAIL'}  ${x.quantity} vs ${x.against}: relative error ${x.relativeError.toExponential(2)} (${x.tolerance})\n`;
      for (const s of result.skips) out += `  not run  ${s.leg}: ${s.reason}\n`;
      out += pass ? 'pass\n' : 'FAIL\n';
      process.stdout.write(out);
      if (!pass) process.exitCode = 1;
    }),
  );
}
