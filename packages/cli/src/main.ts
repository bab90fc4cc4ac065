#!/usr/bin/env node
/** The `hsr` command line: one subcommand per module under ./commands. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { commanderExitCode, configureUsageErrors } from './errors.ts';
import { commandSummary, TERMS, VERSION } from './programInfo.ts';

type Registrar = (program: Command) => void;

/**
 * Each subcommand's module, loaded on demand: loading everything costs ~2.5 s per invocation
 * (the symbolic engines nerdamer, mathjs and KaTeX alone take ~2 s), which `hsr bound` or
 * `hsr grad` should not pay.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Registrar>>> = {
  bound: async () => (await import('./commands/bound.ts')).registerBound,
  grad: async () => (await import('./commands/grad.ts')).registerGrad,
  train: async () => (await import('./commands/train.ts')).registerTrain,
  audit: async () => (await import('./commands/audit.ts')).registerAudit,
  derive: async () => (await import('./commands/derive.ts')).registerDerive,
  docs: async () => (await import('./commands/docs.ts')).registerDocs,
  reproduce: async () => (await import('./commands/reproduce.ts')).registerReproduce,
  estimate: async () => (await import('./commands/estimate.ts')).registerEstimate,
  reduce: async () => (await import('./commands/reduce.ts')).registerReduce,
};

/**
 * The program with the subcommand named in `argv` (process.argv layout, `hsr help X` names X)
 * loaded and registered; every other subcommand is a placeholder with its summary, which is all
 * top-level help and commander's "did you mean" suggestions need, so they load no module.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('hsr')
    .description('Closed-form Wolkowicz-Styan bounds on the cross-entropy Hessian spectrum, their gradient, and HSR training')
    .version(VERSION, '-V, --version', 'print the version')
    .addHelpText('after', `\n${TERMS}`);
  configureUsageErrors(program);
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const named = words[0] === 'help' ? words[1] : words[0];
  for (const name of Object.keys(COMMANDS)) {
    // A command without a summary yet is loaded (slower help, never a blank line).
    const summary = commandSummary(name);
    if (name === named || summary === undefined) (await COMMANDS[name]!())(program);
    else program.command(name).description(summary);
  }
  return program;
}

/**
 * The entry point: parse `argv` (process.argv layout), run the command, return its exit code.
 * The process boundary is only this: output goes through process.stdout/stderr.write and the
 * code is returned, so tests can run the very same function in process.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await (await buildProgram(argv)).parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) return commanderExitCode(err);
    process.stderr.write(`hsr: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
  return Number(process.exitCode ?? 0);
}

// Run when this file is the entry point: directly, under tsx, or through an installed bin link.
const isMain = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
