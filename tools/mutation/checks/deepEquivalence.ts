/**
 * `tsx --conditions=source tools/mutation/checks/deepEquivalence.ts MUTANT.ts`: the evidence behind the entries of
 * equivalents/autodiff-deepOracle.json. MUTANT.ts is a copy of packages/autodiff/src/deepOracle.ts
 * with one mutant applied, placed next to it (so that its imports resolve). Both are run on the
 * same seeded deep cases (L = 2, 3, 4; every activation; with and without biases; cross-entropy,
 * label smoothing, mse and binary cross-entropy) and every output is compared with Object.is:
 * the loss, the gradient (mean and sum), the block Hessian and Gauss–Newton block of every
 * non-empty layer set, and T1, T2 and their gradients in all columns. Prints the number of
 * outputs compared, or the first difference (exit 1).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as original from '../../../packages/autodiff/src/deepOracle.ts';
import { ACTIVATION_NAMES, CURVATURES, LOSS_NAMES, type DeepVariant } from '../../../packages/numeric/src/index.ts';
import { deepCase, layerSubsets } from '../../../packages/testkit/src/deepCases.ts';
import { comparison } from './compare.ts';

type DeepModule = typeof original;
const file = process.argv[2];
if (file === undefined) throw new Error('usage: deepEquivalence.ts MUTANT.ts');
const mutant = (await import(pathToFileURL(path.resolve(file)).href)) as DeepModule;

const check = comparison();
const { same } = check;

const shapes = [
  [2, 3, 2],
  [2, 3, 2, 2],
  [2, 2, 2, 2, 3],
];
for (const [s, widths] of shapes.entries())
  for (const activation of ACTIVATION_NAMES)
    for (const bias of [true, false])
      for (const loss of LOSS_NAMES) {
        const { model: base, data, label } = deepCase({ widths, activation, bias, samples: 3, seed: 11 + s });
        const model = { ...base, loss };
        const where = `${label} ${loss}`;
        for (const reduction of ['mean', 'sum'] as const) {
          same(`${where} loss ${reduction}`, [original.autodiffDeepLoss(model, data, reduction)], [mutant.autodiffDeepLoss(model, data, reduction)]);
          same(`${where} gradient ${reduction}`, original.autodiffDeepGradient(model, data, reduction), mutant.autodiffDeepGradient(model, data, reduction));
        }
        same(`${where} default loss`, [original.autodiffDeepLoss(model, data)], [mutant.autodiffDeepLoss(model, data)]);
        same(`${where} default gradient`, original.autodiffDeepGradient(model, data), mutant.autodiffDeepGradient(model, data));
        for (const layers of layerSubsets(widths.length - 1))
          for (const curvature of CURVATURES) {
            const variant: DeepVariant = { reduction: 'mean', curvature, layers };
            same(`${where} ${curvature} ${layers} Hessian`, original.autodiffDeepHessian(model, data, variant).data, mutant.autodiffDeepHessian(model, data, variant).data);
            if (widths.length === 3 && activation === 'tanh') {
              const a = original.autodiffDeepTraceGradients(model, data, variant);
              const b = mutant.autodiffDeepTraceGradients(model, data, variant);
              same(`${where} ${curvature} ${layers} traces`, [a.traceH, a.traceH2, ...a.gradTraceH, ...a.gradTraceH2], [b.traceH, b.traceH2, ...b.gradTraceH, ...b.gradTraceH2]);
            }
          }
      }
process.stdout.write(`${check.compared} outputs compared, all identical\n`);
