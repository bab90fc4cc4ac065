#!/usr/bin/env node
/**
 * One-off converter: scikit-learn's bundled copies of three UCI data sets -> the compact
 * data-file JSON that `readDataFile` reads (packages/io/data/{wine,breast-cancer,digits}.json).
 *
 * Run by hand, never by tests or CI (the JSON it writes is committed):
 *
 *   apt-get update && apt-get download python3-sklearn
 *   dpkg-deb -x python3-sklearn_*.deb /tmp/sklearn-deb
 *   node tools/datasets/convertSklearn.mjs \
 *     /tmp/sklearn-deb/usr/lib/python3/dist-packages/sklearn/datasets \
 *     "Debian python3-sklearn 1.2.1+dfsg-1"
 *
 * Numbers are copied token for token from the CSV (so the JSON holds exactly the decimal
 * strings scikit-learn ships); a token that is not already a valid JSON number is an error
 * here rather than something to normalise silently. The label is the last CSV column, as
 * in `sklearn.datasets._base.load_csv_data`; feature and class names are copied from
 * `sklearn/datasets/_base.py` (load_wine, load_breast_cancer, load_digits), and the
 * description (with its citation) from `sklearn/datasets/descr/<name>.rst`.
 */
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [datasetsDir, packaging = 'scikit-learn'] = process.argv.slice(2);
if (!datasetsDir) {
  console.error('usage: node tools/datasets/convertSklearn.mjs <.../sklearn/datasets> ["<package name and version>"]');
  process.exit(2);
}
const outDir = join(dirname(fileURLToPath(import.meta.url)), '../../packages/io/data');
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

const WINE_FEATURES = [
  'alcohol',
  'malic_acid',
  'ash',
  'alcalinity_of_ash',
  'magnesium',
  'total_phenols',
  'flavanoids',
  'nonflavanoid_phenols',
  'proanthocyanins',
  'color_intensity',
  'hue',
  'od280/od315_of_diluted_wines',
  'proline',
];
const BREAST_CANCER_FEATURES = [
  'mean radius',
  'mean texture',
  'mean perimeter',
  'mean area',
  'mean smoothness',
  'mean compactness',
  'mean concavity',
  'mean concave points',
  'mean symmetry',
  'mean fractal dimension',
  'radius error',
  'texture error',
  'perimeter error',
  'area error',
  'smoothness error',
  'compactness error',
  'concavity error',
  'concave points error',
  'symmetry error',
  'fractal dimension error',
  'worst radius',
  'worst texture',
  'worst perimeter',
  'worst area',
  'worst smoothness',
  'worst compactness',
  'worst concavity',
  'worst concave points',
  'worst symmetry',
  'worst fractal dimension',
];
const DIGITS_FEATURES = Array.from({ length: 64 }, (_, k) => `pixel_${Math.floor(k / 8)}_${k % 8}`);

const LICENCE =
  'Data: UCI Machine Learning Repository (the repository lists these data sets under CC BY 4.0; cite as below). ' +
  'Packaging: scikit-learn, BSD-3-Clause, Copyright 2007-2019 scikit-learn developers. ' +
  'Converted to this JSON layout by tools/datasets/convertSklearn.mjs with numbers copied verbatim.';

/** Rows of CSV tokens (sklearn's files are plain: no quotes, no blank lines inside). */
function csvRows(text) {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((t) => t.trim()));
}

function convert({ name, csv, gz, hasHeader, descr, features, classNames, citation, uci }) {
  const raw = readFileSync(join(datasetsDir, 'data', csv));
  let rows = csvRows((gz ? gunzipSync(raw) : raw).toString('utf8'));
  if (hasHeader) {
    const [nSamples, nFeatures, ...names] = rows[0];
    if (Number(nSamples) !== rows.length - 1 || Number(nFeatures) !== features.length) {
      throw new Error(`${csv}: header says ${nSamples} x ${nFeatures}, found ${rows.length - 1} x ${features.length}`);
    }
    if (names.join() !== classNames.join()) throw new Error(`${csv}: class names ${names} differ from ${classNames}`);
    rows = rows.slice(1);
  }
  const X = [];
  const y = [];
  rows.forEach((row, r) => {
    if (row.length !== features.length + 1) throw new Error(`${csv}: row ${r + 1} has ${row.length} fields`);
    for (const token of row) if (!JSON_NUMBER.test(token)) throw new Error(`${csv}: row ${r + 1}: "${token}" is not a JSON number`);
    const label = Number(row[features.length]);
    if (!Number.isInteger(label) || label < 0 || label >= classNames.length) throw new Error(`${csv}: row ${r + 1}: bad label ${label}`);
    X.push(row.slice(0, features.length));
    y.push(label);
  });
  const description = readFileSync(join(datasetsDir, 'descr', descr), 'utf8')
    .replace(/[ \t]+$/gm, '')
    .trimEnd();
  const about = {
    title: description
      .split('\n')
      .find((l) => /^[A-Z]/.test(l.trim()))
      ?.trim(),
    source: uci,
    citation,
    licence: LICENCE,
    convertedFrom: `${packaging}: sklearn/datasets/data/${csv}`,
    description,
  };
  // One sample per line: diffable and still compact (no indentation inside rows).
  const head = JSON.stringify({ name, about, featureNames: features, classNames }, null, 2).replace(/\n}$/, '');
  const body = `${head},\n  "X": [\n${X.map((r) => `    [${r.join(',')}]`).join(',\n')}\n  ],\n  "y": [${y.join(',')}]\n}\n`;
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, `${name}.json`);
  writeFileSync(`${target}.tmp`, body);
  renameSync(`${target}.tmp`, target);
  JSON.parse(body); // the committed file must be plain JSON
  const counts = classNames.map((_, k) => y.filter((v) => v === k).length);
  console.log(`${target}: ${X.length} x ${features.length}, class counts ${counts.join('/')}, ${body.length} bytes`);
}

convert({
  name: 'wine',
  csv: 'wine_data.csv',
  hasHeader: true,
  descr: 'wine_data.rst',
  features: WINE_FEATURES,
  classNames: ['class_0', 'class_1', 'class_2'],
  uci: 'UCI ML Wine recognition data set, https://archive.ics.uci.edu/ml/machine-learning-databases/wine/wine.data',
  citation:
    'Forina, M. et al, PARVUS - An Extendible Package for Data Exploration, Classification and Correlation. ' +
    'Institute of Pharmaceutical and Food Analysis and Technologies, Genoa, Italy. ' +
    'Lichman, M. (2013). UCI Machine Learning Repository [https://archive.ics.uci.edu/ml]. ' +
    'Irvine, CA: University of California, School of Information and Computer Science.',
});
convert({
  name: 'breast-cancer',
  csv: 'breast_cancer.csv',
  hasHeader: true,
  descr: 'breast_cancer.rst',
  features: BREAST_CANCER_FEATURES,
  classNames: ['malignant', 'benign'],
  uci: 'UCI ML Breast Cancer Wisconsin (Diagnostic) data set',
  citation:
    'W.N. Street, W.H. Wolberg and O.L. Mangasarian. Nuclear feature extraction for breast tumor diagnosis. ' +
    'IS&T/SPIE 1993 International Symposium on Electronic Imaging: Science and Technology, volume 1905, ' +
    'pages 861-870, San Jose, CA, 1993.',
});
convert({
  name: 'digits',
  csv: 'digits.csv.gz',
  gz: true,
  hasHeader: false,
  descr: 'digits.rst',
  features: DIGITS_FEATURES,
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  uci: 'Test set of the UCI ML hand-written digits data set, https://archive.ics.uci.edu/ml/datasets/Optical+Recognition+of+Handwritten+Digits',
  citation:
    'E. Alpaydin, C. Kaynak (1998) Cascading Classifiers, Kybernetika. ' +
    'C. Kaynak (1995) Methods of Combining Multiple Classifiers and Their Applications to Handwritten Digit Recognition, ' +
    'MSc Thesis, Institute of Graduate Studies in Science and Engineering, Bogazici University.',
});
