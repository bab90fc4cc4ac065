/**
 * main.ts loads only the subcommand it runs (the symbolic engines cost ~2 s to load), and
 * everything when it must list or suggest commands.
 */
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../packages/cli/src/main.ts';
import { runHsr } from './run.ts';

const ALL = ['bound', 'grad', 'train', 'audit', 'derive', 'docs', 'reproduce', 'estimate'];

describe('hsr program', () => {
  test('a named subcommand registers only itself', async () => {
    for (const name of ALL) {
      const program = await buildProgram(['node', 'hsr', name, '--json']);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
  });

  test('no name, help or an unknown name registers every subcommand', async () => {
    for (const argv of [[], ['--help'], ['help', 'bound'], ['boun']]) {
      const program = await buildProgram(['node', 'hsr', ...argv]);
      expect(program.commands.map((c) => c.name())).toEqual(ALL);
    }
  });

  test('top-level help lists every subcommand and a misspelling gets a suggestion', () => {
    const help = runHsr(['--help']);
    expect(help.code).toBe(0);
    for (const name of ALL) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const typo = runHsr(['boun']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean bound?');
  });
});
