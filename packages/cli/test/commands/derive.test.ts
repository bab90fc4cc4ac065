/**
 * `hsr derive`: activation derivatives printed exactly as checked, network quantities printed as
 * the registry's definitions and checked at a seeded network, one `hsr:` line and exit 2 for a
 * formula that is not C^3, and exit 1 (also with --json) when a check fails.
 */
import { describe, expect, it } from 'vitest';
import { math } from '@hsr/symbolic';
import { registerDerive } from '../../src/commands/derive.ts';
import { runInProcess } from '../runInProcess.ts';

const run = (args: string[]) => runInProcess([registerDerive], args);

describe('hsr derive --activation', () => {
  it("prints the nested exponential with e as exp, no seven-digit integers, and a printed phi'' that is the true value", async () => {
    const r = await run(['derive', '--activation', 'log(1+exp(1/(1+exp(u))))']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\d{7,}/);
    const line = r.stdout.split('\n').find((l) => l.startsWith("phi''(u) = "))!;
    const value = math.parse(line.slice("phi''(u) = ".length)).compile().evaluate({ u: 0.05 }) as number;
    // f'' at 0.05 by nested five-point stencils of f = log(1 + exp(1/(1 + e^u))), h = 1e-3.
    const f = (u: number) => Math.log(1 + Math.exp(1 / (1 + Math.exp(u))));
    const h = 1e-3;
    const d1 = (x: number) => (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h);
    const d2 = (d1(0.05 - 2 * h) - 8 * d1(0.05 - h) + 8 * d1(0.05 + h) - d1(0.05 + 2 * h)) / (12 * h);
    expect([value]).toBeAllClose([d2], { rtol: 1e-8, atol: 1e-9 });
    expect(r.stdout).toMatch(/pass {2}vs nerdamer's own derivation/);
    expect(r.stdout.trimEnd().endsWith('pass')).toBe(true);
  });

  it('--json gives the four printed derivatives, text and LaTeX, and the passing checks', async () => {
    const r = await run(['derive', '--activation', 'softplus', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.derivatives.text).toHaveLength(4);
    expect(j.derivatives.latex).toHaveLength(4);
    expect(j.checks.map((c: { against: string }) => c.against)).toEqual(['nerdamer', 'five-point-difference', 'numeric']);
    expect(j.pass).toBe(true);
  });

  it('--json exits 1 when its own check fails (the five-point step cannot resolve tanh(20u))', async () => {
    const r = await run(['derive', '--activation', 'tanh(20*u)', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.pass).toBe(false);
    expect(j.checks.find((c: { against: string }) => c.against === 'five-point-difference').pass).toBe(false);
    const text = await run(['derive', '--activation', 'tanh(20*u)']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL/);
  });

  // The grammar check refuses the first nine before an engine sees them; the last two parse and
  // are finite at the sample points, and the smoothness check on [-30, 30] refuses them.
  it.each(['x', 'u+', ')(', '', 'abs(u)', 'relu', 'sqrt(-1)', 'log(u)', 'constructor', '1/u', 'sqrt(u^2)'])('refuses %j with one hsr: line and exit 2', async (formula) => {
    const r = await run(['derive', '--activation', formula]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hsr: --activation: [^\n]+\n$/);
  });
});

describe('hsr derive --quantity', () => {
  it('trace --json: the registry definition of T1, checked against nerdamer, mathjs and numeric at the seeded network', async () => {
    const r = await run(['derive', '--d', '1', '--h', '2', '--c', '3', '--n', '2', '--activation', 'tanh', '--quantity', 'trace', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.entry).toBe('eq:trace-h');
    expect(j.shape.parameters).toBe(8);
    expect(j.formulas.join('\n')).toContain('T1 = kappa sum_{n=1..N}');
    const legs = j.checks.map((c: { against: string }) => c.against);
    expect(legs).toContain('numeric hessianTraces');
    expect(legs).toContain('mathjs: sum of its diagonal');
    expect(legs).toContain('nerdamer: sum of its diagonal');
    expect(j.checks.every((c: { pass: boolean }) => c.pass)).toBe(true);
    expect(typeof j.values.T1).toBe('number');
  });

  it('--latex prints the LaTeX of the definitions in the docs notation', async () => {
    const r = await run(['derive', '--d', '1', '--h', '1', '--c', '2', '--quantity', 'hessian', '--latex']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("[H_{\\tilde W\\tilde W}]_{ij,i'j'} = \\kappa \\sum_{n=1}^{N} A_{n,ii'} \\tilde x_{nj} \\tilde x_{nj'}");
  });

  it('a user formula works end to end for the bound gradient (numeric, which knows five activations, is skipped)', async () => {
    const r = await run(['derive', '--d', '1', '--h', '1', '--c', '2', '--n', '2', '--activation', 'u/(1+exp(-u))', '--quantity', 'bound-grad', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.pass).toBe(true);
    expect(j.checks.some((c: { against: string }) => c.against.startsWith('mathjs: third derivatives'))).toBe(true);
    expect(j.checks.some((c: { against: string }) => c.against.startsWith('nerdamer: third derivatives'))).toBe(true);
    expect(j.notRun.some((s: { against: string }) => s.against === 'numeric')).toBe(true);
  });

  it('a formula with a root passes the nerdamer leg of a network quantity (roots written as exponentials)', async () => {
    // Raw nerdamer folds (u^2+1)^(-1/2) into (u^2+1)^(1/4) when differentiating; before the
    // roots were routed around it, every nerdamer comparison here failed (relative error 0.2-0.9).
    const r = await run(['derive', '--d', '1', '--h', '1', '--c', '2', '--activation', 'sqrt(u^2+1)', '--quantity', 'hessian', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const nerdamerChecks = j.checks.filter((c: { against: string }) => c.against.includes('nerdamer'));
    expect(nerdamerChecks.length).toBeGreaterThan(0);
    expect(nerdamerChecks.every((c: { pass: boolean }) => c.pass)).toBe(true);
    expect(j.pass).toBe(true);
  });

  it('rejects a bad quantity, a bad formula and a network too big for symbolic work with exit 2', async () => {
    expect((await run(['derive', '--d', '1', '--quantity', 'eigen'])).code).toBe(2);
    const bad = await run(['derive', '--d', '1', '--quantity', 'trace', '--activation', 'abs(u)']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hsr: --activation: "abs\(u\)" [^\n]+\n$/);
    const big = await run(['derive', '--d', '3', '--h', '4', '--c', '5', '--bias', '--n', '1', '--quantity', 'loss']);
    expect(big.code).toBe(0);
    const huge = await run(['derive', '--d', '10', '--h', '4', '--c', '5', '--quantity', 'loss']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/small networks/);
  });
});
