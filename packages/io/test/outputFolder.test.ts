/**
 * outputFolder.ts: the destination appears only on commit, complete; a failure leaves
 * nothing (not even a parent folder the transaction created); a non-empty destination is
 * refused unless replaced; odd destinations are refused before anything is written. (A
 * read-only parent is held by the CLI suite, which runs that case as an unprivileged user.)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OutputFolder } from '../src/index.ts';
import { inputError, scratch } from './support.ts';

const fresh = (name: string) => {
  const parent = join(scratch, `out-${name}`);
  mkdirSync(parent);
  return parent;
};

describe('OutputFolder', () => {
  test('files are staged in a hidden sibling and appear together on commit', () => {
    const parent = fresh('commit');
    const out = join(parent, 'run');
    const folder = new OutputFolder(out, { flag: '--out' });
    folder.writeFile('config.json', '{}\n');
    folder.appendLine('metrics.jsonl', '{"epoch":0}');
    folder.appendLine('metrics.jsonl', '{"epoch":1}');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(parent)).toEqual([expect.stringMatching(/^\.run\.hsr-staging-\d+-[0-9a-f]+$/)]);
    folder.commit();
    expect(readdirSync(parent)).toEqual(['run']);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe('{"epoch":0}\n{"epoch":1}\n');
    expect(readFileSync(folder.finalPath('config.json'), 'utf8')).toBe('{}\n');
  });

  test('abandon removes the staging folder and any parent folder the transaction created', () => {
    const parent = fresh('abandon');
    const folder = new OutputFolder(join(parent, 'a', 'b', 'run'));
    folder.writeFile('x', 'y');
    folder.abandon();
    expect(readdirSync(parent)).toEqual([]);
    folder.abandon();
  });

  test('an empty destination folder is replaced; a non-empty one is refused, or replaced with replace', () => {
    const parent = fresh('replace');
    const out = join(parent, 'run');
    mkdirSync(out);
    const first = new OutputFolder(out);
    first.writeFile('model.json', 'first');
    first.commit();
    expect(inputError(() => new OutputFolder(out, { flag: '--out' })).message).toBe(`--out ${out}: the output folder is not empty (model.json); choose a new folder, or pass --force to replace it`);
    const second = new OutputFolder(out, { replace: true });
    second.writeFile('config.json', 'second');
    second.commit();
    expect(readdirSync(out)).toEqual(['config.json']);
    expect(readdirSync(parent)).toEqual(['run']);
  });

  test('a file, a path under a file, a device and an empty path are refused before anything is written', () => {
    const parent = fresh('odd');
    const file = join(parent, 'file');
    writeFileSync(file, '');
    expect(inputError(() => new OutputFolder(file, { flag: '--out' })).message).toBe(`--out ${file}: exists and is not a folder (a file or device); choose a folder path`);
    expect(inputError(() => new OutputFolder(join(file, 'run'))).reason).toBe('cannot create the output folder: a parent of this path is a file, not a folder');
    expect(inputError(() => new OutputFolder('/dev/null/run')).reason).toBe('cannot create the output folder: a parent of this path is a file, not a folder');
    expect(inputError(() => new OutputFolder('/dev/null')).reason).toBe('exists and is not a folder (a file or device); choose a folder path');
    expect(inputError(() => new OutputFolder(' ', { flag: '--out' })).message).toBe('--out: expected a folder, got an empty path');
    expect(readdirSync(parent)).toEqual(['file']);
  });

  test('a staging folder left by a killed process is removed by the next transaction in that parent', () => {
    const parent = fresh('stale');
    // A pid that cannot be running (above the kernel's pid_max of 2^22).
    mkdirSync(join(parent, '.run.hsr-staging-99999999-deadbeef'));
    writeFileSync(join(parent, '.run.hsr-staging-99999999-deadbeef', 'metrics.jsonl'), '{"epo');
    const folder = new OutputFolder(join(parent, 'run'));
    expect(readdirSync(parent)).toEqual([expect.stringMatching(new RegExp(`^\\.run\\.hsr-staging-${process.pid}-`))]);
    folder.abandon();
  });
});
