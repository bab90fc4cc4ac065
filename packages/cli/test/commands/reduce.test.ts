/**
 * `hsr bound|grad --shard I/K` then `hsr reduce` end to end (in process): the reduced report is
 * the unsharded one (bound: the same JSON text; grad: the same values to the regrouping bound
 * of the gradient's sum, see numeric's shards.test.ts), and every misuse of the files is one
 * stderr line starting `hsr:` with exit code 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { registerBound } from '../../src/commands/bound.ts';
import { registerGrad } from '../../src/commands/grad.ts';
import { registerReduce } from '../../src/commands/reduce.ts';
import { runInProcess } from '../runInProcess.ts';
import { writeShardCase } from './shardCase.ts';

const run = (argv: string[]) => runInProcess([registerBound, registerGrad, registerReduce], argv);
let dir: string;
let modelPath: string;
let dataPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hsr-reduce-'));
  ({ modelPath, dataPath } = writeShardCase(dir));
});

/** A file that is not JSON. */
function junkFile(): string {
  const path = join(dir, 'junk.json');
  writeFileSync(path, '{nope');
  return path;
}

const problem = () => ['--model', modelPath, '--data', dataPath];

describe('hsr reduce', () => {
  test.each([1, 3, 7])('of %i bound shards prints exactly the unsharded hsr bound --json', async (K) => {
    const full = await run(['bound', ...problem(), '--json']);
    expect(full.code).toBe(0);
    const files: string[] = [];
    for (let i = 1; i <= K; i++) {
      const out = join(dir, `bound-${K}-${i}.json`);
      const r = await run(['bound', ...problem(), '--shard', `${i}/${K}`, '--out', out, '--threads', '1']);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
      files.push(out);
    }
    const reduced = await run(['reduce', ...files.reverse(), '--json']);
    expect(reduced.stderr).toBe('');
    expect(reduced.stdout).toBe(full.stdout);
  });

  test('of gradient shards prints the unsharded hsr grad --json values', async () => {
    const full = JSON.parse((await run(['grad', ...problem(), '--of', 'range', '--json'])).stdout);
    const files = [1, 2, 3].map((i) => join(dir, `grad-${i}.json`));
    for (const [i, f] of files.entries()) expect((await run(['grad', ...problem(), '--shard', `${i + 1}/3`, '--out', f])).code).toBe(0);
    const reduced = await run(['reduce', ...files, '--of', 'range', '--json']);
    expect(reduced.code).toBe(0);
    const out = JSON.parse(reduced.stdout);
    // The value comes from T1 and T2 alone, which reduce exactly.
    expect(out.value).toBe(full.value);
    const flat = (g: { W: number[][]; b: number[]; V: number[][]; a: number[] }) => [...g.W.flat(), ...g.b, ...g.V.flat(), ...g.a];
    // Regrouping one sum of 150 rows, the same terms in another order: at most 2 gamma_150 ~
    // 3.3e-14 relative to the sum of the magnitudes, which these terms do not exceed the largest
    // entry by more than 10x, inside RTOL_SAME_FORMULA of the largest entry.
    expect(flat(out.gradient)).toBeAllClose(flat(full.gradient), { rtol: RTOL_SAME_FORMULA });
  });

  test('prints the bound table without --json', async () => {
    const files = [1, 2].map((i) => join(dir, `table-${i}.json`));
    for (const [i, f] of files.entries()) await run(['bound', ...problem(), '--shard', `${i + 1}/2`, '--out', f]);
    const r = await run(['reduce', ...files]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reduced from 2 shards (3-7-3, N = 150)');
    expect(r.stdout).toContain('lambda_max upper');
  });

  test.each([
    ['a missing shard', () => [join(dir, 'bound-3-1.json'), join(dir, 'bound-3-3.json')], /^hsr: missing shard 2 of 3\n$/],
    ['a repeated shard', () => [join(dir, 'bound-3-1.json'), join(dir, 'bound-3-1.json'), join(dir, 'bound-3-2.json'), join(dir, 'bound-3-3.json')], /^hsr: .*bound-3-1\.json: shard 1\/3 is also in .*bound-3-1\.json\n$/],
    ['shards of different splits', () => [join(dir, 'bound-3-1.json'), join(dir, 'bound-7-2.json')], /bound-7-2\.json: shard 2\/7 does not belong to a split into 3 \(/],
    ['bound and grad shards mixed', () => [join(dir, 'bound-3-1.json'), join(dir, 'grad-2.json'), join(dir, 'bound-3-3.json')], /kind "gradients" differs/],
    ['a file that is not a partial', () => [dataPath], /^hsr: .*data\.json: format: not an hsr partial/],
    ['a file that is not JSON', () => [junkFile()], /^hsr: .*junk\.json: line 1, column 2: /],
    ['a missing file', () => [join(dir, 'absent.json')], /^hsr: .*absent\.json: cannot read file: no such file or directory\n$/],
  ])('refuses %s in one line, exit 2', async (_, files, message) => {
    const r = await run(['reduce', ...files()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/**
 * Shard files whose T2 components are each finite but whose exact sum is not: two copies of a
 * component near the largest double in shard 1 (the sum is formed before kappa^2 scales it,
 * by the same tracesFromParts the unsharded run uses). Only the components are rewritten, not
 * the fingerprint, so the files still belong together.
 */
function overflowingShards(kind: 'bound' | 'grad', files: readonly string[]): string[] {
  return files.map((f, i) => {
    const p = JSON.parse(readFileSync(f, 'utf8'));
    if (i === 0) p.traceH2 = [1.5e308, 1.5e308];
    const out = join(dir, `overflow-${kind}-${i + 1}.json`);
    writeFileSync(out, `${JSON.stringify(p)}\n`);
    return out;
  });
}

describe('hsr reduce of shards whose sum overflows', () => {
  test.each([
    ['bound', () => [1, 2, 3].map((i) => join(dir, `bound-3-${i}.json`)), [] as string[]],
    ['grad', () => [1, 2, 3].map((i) => join(dir, `grad-${i}.json`)), ['--of', 'range']],
  ] as const)('%s: refuses in one line naming the files, exit 2, where it printed Infinity', async (kind, files, flags) => {
    const r = await run(['reduce', ...overflowingShards(kind, files()), ...flags, '--json']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^hsr: .*overflow-${kind}-1\\.json \\(and 2 more\\): merging the shards, T2 = tr H\\^2 overflows float64`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
  });
});

describe('a partial file', () => {
  test('a partial file is plain JSON with the exact-sum components of its rows', () => {
    const p = JSON.parse(readFileSync(join(dir, 'bound-3-2.json'), 'utf8'));
    expect(p.format).toBe('hsr-trace-partial');
    expect(p.shard).toEqual({ index: 2, count: 3 });
    expect(p.rows[0] % 32).toBe(0);
    expect(p.traceH.length).toBeGreaterThan(0);
    // At N = 150 and three inputs every term takes the feature-space route, whose global sums
    // are counted once, by shard 1: the other shards carry T1 parts only.
    const first = JSON.parse(readFileSync(join(dir, 'bound-3-1.json'), 'utf8'));
    expect(first.traceH2.length).toBeGreaterThan(0);
    expect(p.traceH2).toEqual([]);
  });
});
