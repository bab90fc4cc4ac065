/** `hsr derive`: activation derivations by both engines with their verdict, network quantities checked against numeric. */
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { describe, expect, it } from 'vitest';
import { registerDerive } from '../../src/commands/derive.ts';
import { runInProcess } from '../runInProcess.ts';

const run = (args: string[]) => runInProcess([registerDerive], args);

describe('hsr derive', () => {
  it('--activation FORMULA --json gives all four derivatives from both engines and a passing check', async () => {
    const r = await run(['derive', '--activation', 'log(1+exp(u))', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.nerdamer.text).toHaveLength(4);
    expect(j.mathjs.latex).toHaveLength(4);
    expect(j.agreement.pass).toBe(true);
  });

  it('--quantity trace --json: nerdamer, mathjs and numeric values agree', async () => {
    const r = await run(['derive', '--d', '1', '--h', '1', '--c', '2', '--n', '2', '--activation', 'tanh', '--quantity', 'trace', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.shape.parameters).toBe(3);
    expect(j.expressions[0]).toContain('W1q1');
    expect([j.values.nerdamer, j.values.mathjs]).toBeAllClose([j.values.numeric, j.values.numeric], { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR });
  });

  it('rejects a bad quantity and a network too big for symbolic work with exit 2', async () => {
    expect((await run(['derive', '--d', '1', '--quantity', 'eigen'])).code).toBe(2);
    const big = await run(['derive', '--d', '3', '--h', '3', '--c', '3', '--bias', '--quantity', 'loss']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/small networks/);
  });
});
