/**
 * The parts of `pnpm bench --peer torch` that need no torch: the deep cases are the bench's
 * P~1000-deep / mnist-deep networks in the peer's theta order, the hsr-vs-peer comparison fails
 * beyond RTOL_VS_PEER (and on NaN or a length mismatch), and the self-check judge fails a wrong
 * term, a missing depth and a gradient off beyond its tolerance. The peer itself runs in the
 * bench (torch_peer.py --self-check), where torch is.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_GRADIENT_VS_GOLDEN, RTOL_VS_DENSE, RTOL_VS_PEER } from '@hsr/testkit';
import { flattenLayered, initLayeredModel } from '@hsr/numeric';
import { comparePeer, judgeSelfCheck, PEER_CASES, peerCaseJson, peerParameters, peerSetup, type SelfCheckRow } from '../../src/bench/peer.ts';

describe('the deep peer cases', () => {
  const deep = PEER_CASES.filter((pc) => pc.widths.length > 3);

  it('are 30-20-20-5 and 784-128-128-10 at N = 128', () => {
    expect(deep.map((pc) => [pc.widths, pc.N, pc.mnist])).toEqual([
      [[30, 20, 20, 5], 128, false],
      [[784, 128, 128, 10], 128, true],
    ]);
  });

  it('write each layer [W | b] so that concatenated rows are hsr theta order', () => {
    const s = peerSetup(deep[0]!);
    expect(s.deep).toBe(true);
    if (!s.deep) return;
    // The bench's P~1000-deep network (bench/cases.ts builds it with the same options).
    const bench = initLayeredModel({ activation: 'tanh', widths: [30, 20, 20, 5], bias: true, seed: 1 });
    expect(flattenLayered(s.model)).toEqual(flattenLayered(bench));
    const json = JSON.parse(peerCaseJson(s)) as { layers: { inputs: number; outputs: number; W: number[]; b: number[] }[]; X: number[]; y: number[]; d: number };
    const theta: number[] = [];
    for (const layer of json.layers) for (let i = 0; i < layer.outputs; i++) theta.push(...layer.W.slice(i * layer.inputs, (i + 1) * layer.inputs), layer.b[i]!);
    // JSON writes -0 as 0 (zero biases): compare with -0 folded into 0.
    expect(theta.map((x) => x + 0)).toEqual(Array.from(flattenLayered(s.model), (x) => x + 0));
    expect(theta.length).toBe(peerParameters(s));
    expect(peerParameters(s)).toBe(20 * 31 + 20 * 21 + 5 * 21);
    expect([json.d, json.X.length, json.y.length]).toEqual([30, 128 * 30, 128]);
  });
});

describe('comparePeer', () => {
  const g = Float64Array.of(2, -1, 0.5);

  it('accepts round-off and refuses a difference beyond RTOL_VS_PEER', () => {
    expect(comparePeer(3, g, 3 * (1 + 1e-15), [2, -1, 0.5 + 1e-15]).ok).toBe(true);
    const u = comparePeer(3, g, 3 * (1 + 10 * RTOL_VS_PEER), g);
    expect([u.ok, u.uRel > RTOL_VS_PEER]).toEqual([false, true]);
    // Judged on the gradient's scale (its largest entry, 2).
    const w = comparePeer(3, g, 3, [2, -1, 0.5 + 4 * RTOL_VS_PEER]);
    expect([w.ok, w.gradRel > RTOL_VS_PEER, w.gradRel < 4 * RTOL_VS_PEER]).toEqual([false, true, true]);
  });

  it('refuses NaN and a gradient of the wrong length', () => {
    expect(comparePeer(3, g, Number.NaN, g).ok).toBe(false);
    expect(comparePeer(3, g, 3, [2, -1]).ok).toBe(false);
  });
});

describe('judgeSelfCheck', () => {
  const good: SelfCheckRow[] = [
    { widths: [3, 4, 2], N: 6, P: 26, T1: 3e-16, T2: 2e-16, U: 0, gradient: 4e-16, twoLayerU: 0 },
    { widths: [3, 4, 3, 2], N: 6, P: 39, T1: 0, T2: 4e-16, U: 1.5e-16, gradient: 1.5e-16 },
    { widths: [2, 3, 4, 2, 3], N: 6, P: 44, T1: 4e-16, T2: 1.7e-16, U: 0, gradient: 2.3e-16 },
  ];

  it('passes errors at round-off and reports the worst', () => {
    expect(judgeSelfCheck(good)).toEqual({ worst: { value: 4e-16, gradient: 4e-16 }, failures: [] });
  });

  it('fails a dropped term (the middle term of Gamma dropped: T2 off by 7e-3 at L = 3)', () => {
    const rows = good.map((r) => (r.widths.length === 4 ? { ...r, T2: 6.7e-3, U: 3.4e-3, gradient: 0.17 } : r));
    expect(judgeSelfCheck(rows).failures).toEqual(['3-4-3-2: T2 off by 6.7e-3 > RTOL_VS_DENSE', '3-4-3-2: U off by 3.4e-3 > RTOL_VS_DENSE', '3-4-3-2: grad U off by 1.7e-1 > RTOL_GRADIENT_VS_GOLDEN']);
  });

  it('fails just beyond each tolerance, NaN, and a missing depth', () => {
    expect(judgeSelfCheck(good.map((r, i) => (i === 0 ? { ...r, twoLayerU: 2 * RTOL_VS_DENSE } : r))).failures).toEqual(['3-4-2: two-layer U off by 2.0e-10 > RTOL_VS_DENSE']);
    expect(judgeSelfCheck(good.map((r, i) => (i === 2 ? { ...r, gradient: 2 * RTOL_GRADIENT_VS_GOLDEN } : r))).failures).toEqual(['2-3-4-2-3: grad U off by 2.0e-9 > RTOL_GRADIENT_VS_GOLDEN']);
    expect(judgeSelfCheck(good.map((r, i) => (i === 1 ? { ...r, T1: Number.NaN } : r))).failures).toEqual(['3-4-3-2: T1 off by NaN > RTOL_VS_DENSE']);
    expect(judgeSelfCheck(good.slice(0, 2)).failures).toEqual(['no L = 4 net']);
  });
});
