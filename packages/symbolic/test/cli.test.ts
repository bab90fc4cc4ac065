/**
 * `hsr derive` and `hsr docs`, registered on a fresh commander program (the lead wires
 * them into packages/cli/src/main.ts).
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { registerDerive } from '../../cli/src/commands/derive.ts';
import { registerDocs } from '../../cli/src/commands/docs.ts';

// commander is the cli package's dependency, not symbolic's: load it from there.
type Program = Parameters<typeof registerDerive>[0];
const { Command } = createRequire(new URL('../../cli/package.json', import.meta.url))('commander') as { Command: new () => Program };

async function run(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const program = new Command();
  program.exitOverride();
  registerDerive(program);
  registerDocs(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'hsr', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { stdout, stderr, exitCode };
}

afterEach(() => vi.restoreAllMocks());

describe('hsr derive', () => {
  it('--activation FORMULA --json gives all four derivatives from both engines and a passing check', async () => {
    const r = await run(['derive', '--activation', 'log(1+exp(u))', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.nerdamer.text).toHaveLength(4);
    expect(j.mathjs.latex).toHaveLength(4);
    expect(j.agreement.pass).toBe(true);
  });

  it('--quantity trace --json: nerdamer, mathjs and numeric values agree', async () => {
    const r = await run(['derive', '--d', '1', '--h', '1', '--c', '2', '--n', '2', '--activation', 'tanh', '--quantity', 'trace', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.shape.parameters).toBe(3);
    expect(j.expressions[0]).toContain('W1q1');
    expect([j.values.nerdamer, j.values.mathjs]).toBeAllClose([j.values.numeric, j.values.numeric], { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR });
  });

  it('rejects a bad quantity and a network too big for symbolic work with exit 2', async () => {
    expect((await run(['derive', '--d', '1', '--quantity', 'eigen'])).exitCode).toBe(2);
    const big = await run(['derive', '--d', '3', '--h', '3', '--c', '3', '--bias', '--quantity', 'loss']);
    expect(big.exitCode).toBe(2);
    expect(big.stderr).toMatch(/small networks/);
  });
});

describe('hsr docs --check', () => {
  it('passes on the committed docs', async () => {
    const r = await run(['docs', '--check']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
