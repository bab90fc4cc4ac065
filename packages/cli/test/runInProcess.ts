/** Run CLI subcommands in this process, capturing stdout, stderr and the exit code. */
import { Command } from 'commander';
import { vi } from 'vitest';

export async function runInProcess(registrars: ((program: Command) => void)[], argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    stdout += String(c);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    stderr += String(c);
    return true;
  });
  process.exitCode = 0;
  try {
    const program = new Command().exitOverride();
    for (const register of registrars) register(program);
    await program.parseAsync(['node', 'hsr', ...argv]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout, stderr, code };
}
