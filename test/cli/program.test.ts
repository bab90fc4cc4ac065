/**
 * main.ts loads only the subcommand it runs (the symbolic engines cost ~2 s to load); every
 * other subcommand, and all of them for top-level help and suggestions, is a placeholder with
 * its summary from programInfo.ts, which must read as the module's own description.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../packages/cli/src/main.ts';
import { COMMAND_SUMMARIES, commandSummary } from '../../packages/cli/src/programInfo.ts';
import { runHsr } from './run.ts';

const ALL = ['bound', 'grad', 'train', 'audit', 'derive', 'docs', 'reproduce', 'estimate', 'reduce'];
const VERSION = JSON.parse(readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8')).version as string;

/** The subcommands whose module was loaded: a placeholder has no options. */
const loaded = (program: Awaited<ReturnType<typeof buildProgram>>) => program.commands.filter((c) => c.options.length > 0).map((c) => c.name());

describe('hsr program', () => {
  test('a named subcommand is the only one loaded; the rest are listed', async () => {
    for (const name of ALL) {
      const program = await buildProgram(['node', 'hsr', name, '--json']);
      expect(program.commands.map((c) => c.name())).toEqual(ALL);
      expect(loaded(program)).toEqual([name]);
    }
  });

  test('no name, --help, --version or an unknown name loads no subcommand; help X loads X', async () => {
    for (const argv of [[], ['--help'], ['--version'], ['boun']]) {
      const program = await buildProgram(['node', 'hsr', ...argv]);
      expect(program.commands.map((c) => c.name())).toEqual(ALL);
      expect(loaded(program)).toEqual([]);
    }
    expect(loaded(await buildProgram(['node', 'hsr', 'help', 'grad']))).toEqual(['grad']);
  });

  test("each placeholder's summary is the loaded command's description", async () => {
    expect(Object.keys(COMMAND_SUMMARIES)).toEqual(ALL);
    for (const name of ALL) {
      const program = await buildProgram(['node', 'hsr', name]);
      expect(program.commands.find((c) => c.name() === name)!.description()).toBe(commandSummary(name));
    }
  });

  test('top-level help lists every subcommand and defines P and H; a misspelling gets a suggestion', () => {
    const help = runHsr(['--help']);
    expect(help.code).toBe(0);
    for (const name of ALL) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(help.stdout).toMatch(/^ {2}H {8}the Hessian of L with respect to the parameters theta = \(W, b, V, a\)/m);
    expect(help.stdout).toMatch(/^ {2}P {8}the number of parameters H covers: h\(d \+ 1\) \+ c\(h \+ 1\) with biases, hd \+ ch/m);
    const typo = runHsr(['boun']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean bound?');
  });

  test('--version prints the cli package version', () => {
    for (const flag of ['--version', '-V']) {
      const r = runHsr([flag]);
      expect([r.code, r.stdout]).toEqual([0, `${VERSION}\n`]);
    }
  });
});
