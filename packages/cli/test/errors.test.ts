/** errors.ts: flag parsing is exact, and every expected failure is one `hsr:` line with its exit code. */
import { describe, expect, test, vi } from 'vitest';
import { MAX_SEED, parseNumber, parsePath, parseSeed, runAction, UsageError } from '../src/errors.ts';

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('accepted');
};

describe('flag values', () => {
  test('numbers are decimal text; integers are digits and exact', () => {
    expect(parseNumber('--lr', '1e-3')).toBe(0.001);
    expect(parseNumber('--lr', '+.5')).toBe(0.5);
    expect(refusal(() => parseNumber('--lr', '0x10'))).toBe('--lr: expected a number, got "0x10"');
    expect(refusal(() => parseNumber('--lr', ' 1'))).toBe('--lr: expected a number, got " 1"');
    expect(refusal(() => parseNumber('--lr', '1e400'))).toBe('--lr: expected a finite number, got "1e400"');
    expect(parseNumber('--epochs', '12', { integer: true })).toBe(12);
    expect(refusal(() => parseNumber('--epochs', '1e12', { integer: true }))).toBe('--epochs: expected an integer (digits only), got "1e12"');
    expect(refusal(() => parseNumber('--epochs', '9007199254740993', { integer: true }))).toBe('--epochs: 9007199254740993 is too large to be an exact integer');
    expect(refusal(() => parseNumber('--epochs', '11', { integer: true, max: 10 }))).toBe('--epochs: must be <= 10, got 11');
  });

  test('seeds are 0..2^32-1 exactly: 2^32 does not wrap to 0', () => {
    expect(parseSeed('--seed', String(MAX_SEED))).toBe(2 ** 32 - 1);
    expect(refusal(() => parseSeed('--seed', '4294967296'))).toBe('--seed: must be <= 4294967295, got 4294967296');
    expect(refusal(() => parseSeed('--seed', '-1'))).toBe('--seed: must be >= 0, got -1');
  });

  test('a path flag may not be empty', () => {
    expect(refusal(() => parsePath('--model', ''))).toBe('--model: expected a path, got an empty string');
    expect(parsePath('--model', 'm.json')).toBe('m.json');
  });
});

describe('runAction', () => {
  const run = async (body: () => void) => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      await runAction(body);
    } finally {
      spy.mockRestore();
    }
    const code = process.exitCode;
    process.exitCode = undefined;
    return { code, stderr };
  };

  test('expected errors by name: one line, their exit code; a multi-line message is joined', async () => {
    const shape = Object.assign(new Error('W[0]: must be\na number'), { name: 'ShapeError' });
    expect(
      await run(() => {
        throw shape;
      }),
    ).toEqual({ code: 2, stderr: 'hsr: W[0]: must be a number\n' });
    const hyper = Object.assign(new Error('learningRate: must be > 0'), { name: 'HyperparameterError' });
    expect(
      (
        await run(() => {
          throw hyper;
        })
      ).code,
    ).toBe(2);
  });

  test('an allocation the machine cannot make is the input size, one line and exit 2', async () => {
    const r = await run(() => {
      void new Float64Array(2 ** 45);
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hsr: the input is too large for this machine's memory \((Invalid typed array length|Array buffer allocation failed)[^\n]*\)\n$/);
  });

  test('anything else is a bug: exit 1 with the stack', async () => {
    const r = await run(() => {
      throw new TypeError('boom');
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hsr: internal error: TypeError: boom\n\s+at /);
  });
});
