#!/usr/bin/env node
/** The `hsr` command line: one subcommand per module under ./commands. */
import { Command } from 'commander';

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
};

/**
 * The program with the subcommand named in `argv` (process.argv layout) registered, or every
 * subcommand when none is named or the name is unknown (top-level help, `hsr help X`, and
 * commander's "did you mean" suggestions need the full list).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('hsr')
    .description('Closed-form Wolkowicz-Styan bounds on the cross-entropy Hessian spectrum, their gradient, and HSR training')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const names = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
  return program;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '');
if (isMain) {
  buildProgram(process.argv)
    .then((program) =>
      program
        .exitOverride((err) => {
          // commander's own usage errors (unknown option, missing argument): exit 2, like ours.
          if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') process.exit(0);
          process.exit(2);
        })
        .parseAsync(process.argv),
    )
    .catch((err: unknown) => {
      process.stderr.write(`hsr: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    });
}
