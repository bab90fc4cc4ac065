#!/usr/bin/env node
/** The `hsr` command line: one subcommand per module under ./commands. */
import { Command } from 'commander';
import { registerBound } from './commands/bound.ts';
import { registerGrad } from './commands/grad.ts';
import { registerTrain } from './commands/train.ts';
import { registerAudit } from './commands/audit.ts';
import { registerDerive } from './commands/derive.ts';
import { registerDocs } from './commands/docs.ts';
import { registerReproduce } from './commands/reproduce.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('hsr')
    .description('Closed-form Wolkowicz-Styan bounds on the cross-entropy Hessian spectrum, their gradient, and HSR training')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  registerBound(program);
  registerGrad(program);
  registerTrain(program);
  registerAudit(program);
  registerDerive(program);
  registerDocs(program);
  registerReproduce(program);
  return program;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '');
if (isMain) {
  buildProgram()
    .exitOverride((err) => {
      // commander's own usage errors (unknown option, missing argument): exit 2, like ours.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') process.exit(0);
      process.exit(2);
    })
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`hsr: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    });
}
