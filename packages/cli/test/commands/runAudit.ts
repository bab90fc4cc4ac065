/**
 * Run `hsr audit` in a child process through a minimal program that registers only it; with
 * `layeredMutant`, the named deep mutant of crosscheck's layeredMutantList.ts is planted as the
 * layered closed forms the audit holds to account.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const AUDIT = fileURLToPath(new URL('../../src/commands/audit.ts', import.meta.url));
const LAYERED_MUTANTS = join(ROOT, 'packages/crosscheck/test/layeredMutantList.ts');
/** The eval'd entry resolves `commander` from its working directory: the cli package's. */
const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));

export function runAudit(args: string[], options: { layeredMutant?: string } = {}): { code: number; stdout: string; stderr: string } {
  const plant = options.layeredMutant
    ? `const { LAYERED_MUTANTS } = await import(${JSON.stringify(LAYERED_MUTANTS)});
    const mutant = LAYERED_MUTANTS.find((m) => m.name === ${JSON.stringify(options.layeredMutant)});
    if (!mutant) throw new Error('no layered mutant named ${options.layeredMutant.replace(/'/g, '')}');
    const implementations = { layered: mutant.impl };`
    : 'const implementations = {};';
  const script = `
    import { Command } from 'commander';
    import { registerAudit } from ${JSON.stringify(AUDIT)};
    ${plant}
    const program = new Command().name('hsr').exitOverride((e) => process.exit(e.code === 'commander.helpDisplayed' ? 0 : 2));
    registerAudit(program, implementations);
    await program.parseAsync(['node', 'hsr', 'audit', ...JSON.parse(process.env.AUDIT_ARGS)]);`;
  const r = spawnSync(TSX, ['--conditions=source', '--input-type=module', '-e', script], { cwd: CLI_DIR, encoding: 'utf8', timeout: 600_000, env: { ...process.env, FORCE_COLOR: '0', AUDIT_ARGS: JSON.stringify(args) } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
