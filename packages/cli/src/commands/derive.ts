/**
 * `hsr derive`: symbolic derivation (nerdamer, cross-checked by mathjs) of one quantity of a
 * small network, or of an activation's phi', phi'', phi''' given by name or formula.
 *
 *   hsr derive --activation "log(1+exp(u))"                  phi', phi'', phi''' + LaTeX + agreement
 *   hsr derive --d 1 --h 1 --c 2 --n 1 --quantity trace      T1 = tr H as a nerdamer expression
 *   hsr derive ... --quantity bound-grad --json              alpha, beta of eq:bound-gradient and
 *                                                            the evaluated upper-bound gradient
 *
 * Network quantities are printed as nerdamer text for the per-sample loss of label 0 (data
 * symbols X1..Xd; H = kappa sum_n of these), and evaluated at a seeded random point of the
 * given shape with both engines and @hsr/numeric, so the printout carries its own check.
 */
import type { Command } from 'commander';
import { DEFAULT_VARIANT, boundGradient, createRng, denseHessian, hessianTraces, initModel, isActivation, lossGradient, wolkowiczStyanBounds, type Activation, type Dataset, type Model } from '@hsr/numeric';
import { ACTIVATION_SAMPLE_POINTS, activationFormula, deriveActivation, deriveMathjsNetwork, deriveNerdamerNetwork, nerdamerOuterLayer, type SymbolicQuantities } from '@hsr/symbolic';
import { activationAgreement } from '@hsr/crosscheck';
import { parseChoice, parseNumber, parseSeed, runAction, UsageError } from '../errors.ts';
import { checkActivationInput } from '../formulaInput.ts';
import { printJson } from '../output.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

export const DERIVE_QUANTITIES = ['loss', 'grad', 'hessian', 'trace', 'trace2', 'bound', 'bound-grad'] as const;
export type DeriveQuantity = (typeof DERIVE_QUANTITIES)[number];

/** Above this many parameters nerdamer's third derivatives take minutes. */
const MAX_SYMBOLIC_PARAMETERS = 12;

function randomPoint(d: number, h: number, c: number, n: number, bias: boolean, activation: Activation, seed: number): { model: Model; data: Dataset } {
  const rng = createRng(seed);
  const base = initModel({ inputDim: d, hiddenDim: h, classes: c, activation, bias, seed });
  const X = new Float64Array(n * d).map(() => rng.normal());
  const y = Int32Array.from({ length: n }, (_, i) => i % c);
  return { model: base, data: { samples: n, features: d, X, y } };
}

function pick(q: SymbolicQuantities, quantity: DeriveQuantity): unknown {
  switch (quantity) {
    case 'loss':
      return q.loss;
    case 'grad':
      return Array.from(q.gradient);
    case 'hessian':
      return Array.from(q.hessian);
    case 'trace':
      return q.traceH;
    case 'trace2':
      return q.traceH2;
    case 'bound':
      return q.bounds;
    case 'bound-grad':
      return Array.from(q.upperBoundGradient);
  }
}

export function registerDerive(program: Command): void {
  program
    .command('derive')
    .description(COMMAND_SUMMARIES.derive)
    .option('--activation <name|formula>', 'sigmoid, tanh, softplus, silu, gelu, or a formula in u such as "log(1+exp(u))"', 'tanh')
    .option('--d <n>', 'input dimension (network quantities)')
    .option('--h <n>', 'hidden units', '1')
    .option('--c <n>', 'classes', '2')
    .option('--n <n>', 'samples at the evaluation point', '1')
    .option('--bias', 'biases on', false)
    .option('--quantity <q>', `one of ${DERIVE_QUANTITIES.join(', ')} (needs --d)`)
    .option('--seed <n>', 'seed of the evaluation point', '1')
    .option('--latex', 'print LaTeX instead of engine text', false)
    .option('--json', 'print exactly one JSON object', false)
    .action((opts) =>
      runAction(() => {
        const activation: string = checkActivationInput(String(opts.activation), ACTIVATION_SAMPLE_POINTS);
        if (opts.quantity === undefined && opts.d === undefined) {
          const r = deriveActivation(activationFormula(activation));
          const agreement = activationAgreement(r);
          if (opts.json) return printJson({ formula: r.formula, nerdamer: r.nerdamer, mathjs: r.mathjs, mathjsSkipReason: r.mathjsSkipReason, agreement, latexWarnings: r.latexWarnings });
          const names = ['phi', "phi'", "phi''", "phi'''"];
          const src = opts.latex ? r.nerdamer.latex : r.nerdamer.text;
          let out = `activation ${activation}: ${r.formula}\n`;
          for (const [i, nm] of names.entries()) out += `${nm} = ${src[i]}\n`;
          if (r.mathjs) {
            out += '\nmathjs:\n';
            const m = opts.latex ? r.mathjs.latex : r.mathjs.text;
            for (const [i, nm] of names.entries()) out += `${nm} = ${m[i]}\n`;
          } else out += `\nmathjs: skipped (${r.mathjsSkipReason})\n`;
          out += `\ncheck: nerdamer vs ${agreement.against}: worst relative error ${agreement.worstRelativeError.toExponential(2)} (tolerance ${agreement.tolerance}) ${agreement.pass ? 'pass' : 'FAIL'}\n`;
          if (r.latexWarnings.length) out += `warning: nerdamer LaTeX looks mangled (upstream #358) in ${r.latexWarnings.length} of 4 formulas\n`;
          process.stdout.write(out);
          if (!agreement.pass) process.exitCode = 1;
          return;
        }
        if (opts.d === undefined) throw new UsageError('--quantity needs the network shape: --d (and --h, --c, --n)');
        const quantity = parseChoice('--quantity', opts.quantity ?? 'loss', DERIVE_QUANTITIES);
        const d = parseNumber('--d', opts.d, { integer: true, min: 1 });
        const h = parseNumber('--h', opts.h, { integer: true, min: 1 });
        const c = parseNumber('--c', opts.c, { integer: true, min: 2 });
        const n = parseNumber('--n', opts.n, { integer: true, min: 1 });
        const seed = parseSeed('--seed', opts.seed);
        const bias = Boolean(opts.bias);
        const shape = { inputDim: d, hiddenDim: h, classes: c, bias };
        const P = h * (d + (bias ? 1 : 0)) + c * (h + (bias ? 1 : 0));
        if (P > MAX_SYMBOLIC_PARAMETERS) throw new UsageError(`P = ${P} parameters: symbolic derivation is for small networks (P <= ${MAX_SYMBOLIC_PARAMETERS})`);
        const order = quantity === 'bound-grad' ? 3 : quantity === 'loss' || quantity === 'grad' ? 1 : 2;
        if (!isActivation(activation)) throw new UsageError('network quantities need a named activation (the numeric check evaluates it); use --activation alone for a formula');
        const { model, data } = randomPoint(d, h, c, n, bias, activation, seed);
        const ner = deriveNerdamerNetwork(shape, activation, order, data.y);
        const qn = ner.evaluate(model, data, 'mean');
        let qm: SymbolicQuantities | null = null;
        let mathjsSkip: string | null = null;
        try {
          qm = deriveMathjsNetwork(shape, activation, data.y, 'mean', order).evaluate(model, data, 'mean');
        } catch (err) {
          mathjsSkip = (err as Error).message;
        }
        const variant = DEFAULT_VARIANT;
        const tr = hessianTraces(model, data, variant);
        const lg = lossGradient(model, data, variant.reduction);
        const numeric: Record<DeriveQuantity, unknown> = {
          loss: lg.loss,
          grad: Array.from(lg.gradient),
          hessian: Array.from(denseHessian(model, data, variant).data),
          trace: tr.traceH,
          trace2: tr.traceH2,
          bound: wolkowiczStyanBounds(tr.traceH, tr.traceH2, tr.parameters),
          'bound-grad': Array.from(boundGradient(model, data, variant, 'upper').gradient),
        };
        let text: string[];
        let latex: string[];
        if (quantity === 'bound' || quantity === 'bound-grad') {
          const outer = nerdamerOuterLayer();
          text = [`alpha = ${outer.alphaText}`, `beta = ${outer.betaText}`, 'R = sqrt((P-1)*(T2/P-(T1/P)^2)) (kept opaque while differentiating)'];
          latex = [`\\alpha = ${outer.alphaLatex}`, `\\beta = ${outer.betaLatex}`];
        } else ({ text, latex } = ner.text(quantity));
        const report = {
          shape: { d, h, c, n, bias, parameters: P },
          activation: activationFormula(activation),
          quantity,
          expressions: opts.latex ? latex : text,
          evaluatedAt: { seed, note: 'initModel(seed) weights, standard normal inputs, labels n mod c' },
          values: { nerdamer: pick(qn, quantity), mathjs: qm ? pick(qm, quantity) : null, numeric: numeric[quantity] },
          ...(mathjsSkip ? { mathjsSkipped: mathjsSkip } : {}),
          deriveMilliseconds: Math.round(ner.deriveMilliseconds),
        };
        if (opts.json) return printJson(report);
        let out = `${quantity} of a ${d}-${h}-${c} ${activation} network${bias ? ' with biases' : ''} (P = ${P}), per-sample loss of label 0 in symbols W{i}q{j}, b{i}, V{k}q{i}, a{k}, X{j}:\n\n`;
        out += `${report.expressions.join('\n')}\n\n`;
        out += `at seed ${seed}:\n  nerdamer ${JSON.stringify(report.values.nerdamer)}\n  mathjs   ${mathjsSkip ? `skipped: ${mathjsSkip}` : JSON.stringify(report.values.mathjs)}\n  numeric  ${JSON.stringify(report.values.numeric)}\n`;
        process.stdout.write(out);
      }),
    );
}
