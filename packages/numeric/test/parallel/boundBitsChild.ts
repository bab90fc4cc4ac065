/**
 * Child process of kernels.noWasm.test.ts: prints T1, T2 and grad U of a fixed case as the hex
 * bits of each double, so the parent can compare runs with and without the SIMD kernel exactly.
 */
import { DEFAULT_VARIANT, boundGradient, hessianTraces } from '@hsr/numeric';
import { seededCase } from '@hsr/crosscheck/cases';

/** crosscheck's seeded-case recipe for these tests: Glorot weights, biases ~ N(0, 0.3^2). */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

const { model, data } = seededCase({ activation: 'silu', bias: true, inputDim: 9, hiddenDim: 11, classes: 4, samples: 90, seed: 4242 }, GLOROT);
const hex = (x: number) => Buffer.from(new Float64Array([x]).buffer).toString('hex');
const t = hessianTraces(model, data, DEFAULT_VARIANT);
const g = boundGradient(model, data, DEFAULT_VARIANT, 'upper');
process.stdout.write(`${JSON.stringify({ traces: [t.traceH, t.traceH2].map(hex), value: hex(g.value), gradient: Array.from(g.gradient, hex) })}\n`);
