/**
 * The flags hsr bound and hsr grad share for how the closed forms run (--threads, --max-memory,
 * --shard, --out): their parsers, the default memory limit, and through the commands, one
 * stderr line with exit 2 for every misuse, and a refused plan before any work or file.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, test } from 'vitest';
import { ARENA_MAX_BYTES } from '@hsr/numeric';
import { registerBound } from '../../src/commands/bound.ts';
import { defaultMaxMemoryBytes, parseShard, parseSize } from '../../src/commands/computeOptions.ts';
import { registerGrad } from '../../src/commands/grad.ts';
import { runInProcess } from '../runInProcess.ts';
import { writeShardCase } from './shardCase.ts';

const run = (argv: string[]) => runInProcess([registerBound, registerGrad], argv);
let dir: string;
let modelPath: string;
let dataPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hsr-compute-'));
  ({ modelPath, dataPath } = writeShardCase(dir));
});

const problem = () => ['--model', modelPath, '--data', dataPath];

describe('parseSize', () => {
  it('reads bytes and binary units, case-insensitively', () => {
    expect(parseSize('--max-memory', '1000')).toBe(1000);
    expect(parseSize('--max-memory', '512M')).toBe(512 * 2 ** 20);
    expect(parseSize('--max-memory', '2g')).toBe(2 * 2 ** 30);
    expect(parseSize('--max-memory', '1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseSize('--max-memory', '64 kb')).toBe(64 * 1024);
  });
  it.each(['', 'lots', '-1G', '0', '5X', '1e9'])('refuses %j naming the flag', (value) => {
    expect(() => parseSize('--max-memory', value)).toThrow(/^--max-memory: /);
  });
});

describe('parseShard', () => {
  it('reads I/K with 1 <= I <= K', () => {
    expect(parseShard('3/7')).toEqual({ index: 3, count: 7 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });
  it.each(['0/3', '4/3', '1/0', '3', 'a/b', '1.5/3'])('refuses %j', (value) => {
    expect(() => parseShard(value)).toThrow(/^--shard: /);
  });
});

describe('defaultMaxMemoryBytes', () => {
  it('is a quarter of physical memory, at most the 4 GiB arena', () => {
    expect(defaultMaxMemoryBytes()).toBe(Math.min(ARENA_MAX_BYTES, Math.floor(totalmem() / 4)));
  });
});

describe('--shard, --threads, --max-memory', () => {
  test.each([
    [['--shard', '0/3'], /^hsr: --shard: expected I\/K with 1 <= I <= K, got "0\/3"\n$/],
    [['--shard', '4/3'], /^hsr: --shard: expected I\/K/],
    [['--shard', 'half'], /^hsr: --shard: expected I\/K/],
    [['--out', 'x.json'], /^hsr: --out: only with --shard/],
    [['--threads', '0'], /^hsr: --threads: must be >= 1, got 0\n$/],
    [['--threads', '1.5'], /^hsr: --threads: expected an integer/],
    [['--max-memory', 'lots'], /^hsr: --max-memory: expected a size like 512M, 2G or a number of bytes, got "lots"\n$/],
    [['--shard', '1/2', '--exact'], /^hsr: --exact: not with --shard/],
    [['--shard', '1/2', '--hvp-budget', '8'], /^hsr: --hvp-budget: not with --shard/],
  ])('hsr bound %j fails in one line with exit 2', async (flags, message) => {
    const r = await run(['bound', ...problem(), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test.each(['bound', 'grad'])('hsr %s refuses a request over --max-memory before any work, writing no file', async (command) => {
    const out = join(dir, `refused-${command}.json`);
    const r = await run([command, ...problem(), '--max-memory', '64K', '--shard', '1/2', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hsr: --max-memory: N = 150 at 3-7-3 needs about [\d.]+ MiB \(largest: .*\), above the memory limit of 0\.1 MiB; raise --max-memory\n$/);
    expect(existsSync(out)).toBe(false);
    const fine = await run([command, ...problem(), '--max-memory', '512M', '--json', '--threads', '2']);
    expect(fine.code).toBe(0);
  });
});
