/**
 * `pnpm bench` checks its flags before any case runs: --help prints the usage and measures
 * nothing, a wrong flag or combination is one `bench:` line and exit 2 (it used to ignore
 * unknown flags and start the whole run, minutes of work, for `pnpm bench --help`).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BENCH = fileURLToPath(new URL('../../src/bench/main.ts', import.meta.url));

function bench(args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), BENCH, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pnpm bench flags', () => {
  it('--help prints the usage, exit 0, and measures nothing', () => {
    const r = bench(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pnpm bench \[--json\] \[--quick \| --deep\]/);
    expect(r.stdout).toContain('--peer torch');
    expect(r.stdout).not.toMatch(/U-closed|load average/);
    expect(r.stderr).toBe('');
  });

  it.each([
    [['--bogus'], 'bench: unknown flag "--bogus" (pnpm bench --help)'],
    [['fast'], 'bench: unknown argument "fast" (pnpm bench --help)'],
    [['--quick', '--deep'], 'bench: --quick and --deep choose different rows; give one (pnpm bench --help)'],
    [['--peer', 'torch', '--quick'], 'bench: --peer runs its own rows; it takes only --json (pnpm bench --help)'],
    [['--peer', 'jax'], 'bench --peer: the only peer is "torch", got "jax"'],
  ])('%j is refused with one line and exit 2 before any work', (args, line) => {
    const r = bench(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${line}\n`);
  });
});
