/**
 * JSON text: the fast built-in parser first; on failure, a small strict parser that finds
 * the line and column (V8's messages carry no position for many errors and quote the whole
 * file for others) and that reads the non-JSON literals NaN / Infinity / -Infinity, which
 * other tools write, as numbers so that validation can name the field they sit in.
 *
 * Before either parser runs, one linear scan of the structure refuses what both would accept
 * silently or fail on badly: a field named twice in one object (JSON.parse keeps the last one
 * without a word, so `{"y": [...], "y": [...]}` would train on the second list) and nesting
 * deeper than MAX_JSON_DEPTH (the strict parser recurses; none of our formats nests deeper
 * than 3 outside the free-form "about" notes).
 */
import { InputError } from './errors.ts';
import { stripBom } from './textFile.ts';

/** Deepest nesting of arrays and objects accepted: far above the formats' 3, far below the stack. */
export const MAX_JSON_DEPTH = 64;

/** Parse JSON text; throws InputError with line and column. NaN/Infinity literals become numbers. */
export function parseJsonText(raw: string, file: string): unknown {
  const text = stripBom(raw);
  checkJsonStructure(text, file);
  try {
    return JSON.parse(text);
  } catch (builtinError) {
    const parser = new LenientJsonParser(text, file);
    const value = parser.parseDocument();
    if (!parser.sawNonFinite) {
      // Our parser accepted what V8 rejected without the one extension it allows: report V8's verdict.
      const message = builtinError instanceof Error ? builtinError.message.split('\n')[0]!.slice(0, 120) : 'invalid JSON';
      throw new InputError(file, null, `invalid JSON: ${message}`);
    }
    return value;
  }
}

/** 1-based line and column of a character offset (LF, CRLF and CR line ends). */
function position(text: string, at: number): { kind: 'position'; line: number; column: number; offset: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < at && k < text.length; k++) {
    const ch = text.charCodeAt(k);
    if (ch === 10 || (ch === 13 && text.charCodeAt(k + 1) !== 10)) {
      line++;
      lineStart = k + 1;
    }
  }
  return { kind: 'position', line, column: at - lineStart + 1, offset: at };
}

/** An open object: the keys seen, with their offsets. */
interface ObjectLevel {
  readonly keys: Map<string, number>;
}

/** The end of the string starting at `start` (its closing quote), or -1 if unterminated. */
function stringEnd(text: string, start: number): number {
  let end = start + 1;
  while (true) {
    end = text.indexOf('"', end);
    if (end < 0) return -1;
    // A quote preceded by an odd run of backslashes is escaped.
    let backslashes = 0;
    for (let k = end - 1; k > start && text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end++;
  }
}

/** `X[3]`, `about.notes[0]`: the path of the object holding the key at `offset`, by a slow scan (messages only). */
function pathAt(text: string, offset: number): string {
  const stack: { key: string | null; index: number | null }[] = [];
  for (let i = 0; i < offset; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      const end = stringEnd(text, i);
      if (end < 0 || end >= offset) break;
      const top = stack.at(-1);
      if (top !== undefined && top.index === null && /^\s*:/.test(text.slice(end + 1, end + 64))) {
        try {
          top.key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          top.key = text.slice(i + 1, end);
        }
      }
      i = end;
    } else if (ch === 123) stack.push({ key: null, index: null });
    else if (ch === 91) stack.push({ key: null, index: 0 });
    else if (ch === 125 || ch === 93) stack.pop();
    else if (ch === 44) {
      const top = stack.at(-1);
      if (top !== undefined && top.index !== null) top.index++;
    }
  }
  // The innermost level is the object whose key is at `offset`: its own last key is not part of the path.
  let out = '';
  for (const level of stack.slice(0, -1)) {
    if (level.index !== null) out += `[${level.index}]`;
    else if (level.key !== null) out += out === '' ? level.key : `.${level.key}`;
  }
  return out;
}

/**
 * Duplicate keys and nesting depth, in one pass over the brackets and strings (the regex
 * engine jumps over number runs, strings are skipped with indexOf; a string is a key when a
 * ":" follows it). Malformed text is left to the parsers.
 */
export function checkJsonStructure(text: string, file: string): void {
  const stack: (ObjectLevel | null)[] = [];
  const structural = /["{}[\]]/g;
  for (let match = structural.exec(text); match !== null; match = structural.exec(text)) {
    const i = match.index;
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      const end = stringEnd(text, i);
      if (end < 0) return; // unterminated: the parser reports it
      structural.lastIndex = end + 1;
      const top = stack.at(-1);
      if (top === undefined || top === null) continue;
      let next = end + 1;
      while (next < text.length && /\s/.test(text[next]!)) next++;
      if (text[next] !== ':') continue;
      let key = text.slice(i + 1, end);
      if (key.includes('\\')) {
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return; // a bad escape: the parser reports it
        }
      }
      const first = top.keys.get(key);
      if (first !== undefined) {
        const at = position(text, first);
        const field = [pathAt(text, first), key].filter((part) => part !== '').join('.');
        throw new InputError(file, position(text, i), `field ${JSON.stringify(field)} appears twice in one object (first at line ${at.line}, column ${at.column}); each field may be given once`);
      }
      top.keys.set(key, i);
    } else if (ch === 123 || ch === 91) {
      if (stack.length >= MAX_JSON_DEPTH) throw new InputError(file, position(text, i), `nested more than ${MAX_JSON_DEPTH} levels deep (model and data files nest 3 levels)`);
      stack.push(ch === 123 ? { keys: new Map() } : null);
    } else {
      stack.pop();
    }
  }
}

class LenientJsonParser {
  private i = 0;
  sawNonFinite = false;
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  parseDocument(): unknown {
    this.skipSpace();
    if (this.i >= this.text.length) throw new InputError(this.file, null, 'empty file (expected a JSON object)');
    const value = this.parseValue('a value');
    this.skipSpace();
    if (this.i < this.text.length) this.fail(`unexpected ${this.here()} after the end of the JSON value`);
    return value;
  }

  private fail(reason: string, at = this.i): never {
    throw new InputError(this.file, position(this.text, at), reason);
  }

  private here(): string {
    if (this.i >= this.text.length) return 'end of file';
    const cp = this.text.codePointAt(this.i)!;
    return cp < 0x20 ? `control character U+${cp.toString(16).padStart(4, '0').toUpperCase()}` : JSON.stringify(String.fromCodePoint(cp));
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const ch = t.charCodeAt(this.i);
      if (ch === 32 || ch === 9 || ch === 10 || ch === 13) this.i++;
      else break;
    }
  }

  private parseValue(expected: string): unknown {
    this.skipSpace();
    const t = this.text;
    const ch = t[this.i];
    if (ch === '{') return this.parseObject();
    if (ch === '[') return this.parseArray();
    if (ch === '"') return this.parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      if (t.startsWith('-Infinity', this.i)) return this.literal('-Infinity', -Infinity);
      return this.parseNumber();
    }
    if (t.startsWith('true', this.i)) return this.literal('true', true);
    if (t.startsWith('false', this.i)) return this.literal('false', false);
    if (t.startsWith('null', this.i)) return this.literal('null', null);
    if (t.startsWith('NaN', this.i)) return this.literal('NaN', NaN);
    if (t.startsWith('Infinity', this.i)) return this.literal('Infinity', Infinity);
    return this.fail(`unexpected ${this.here()} (expected ${expected})`);
  }

  private literal(word: string, value: unknown): unknown {
    this.i += word.length;
    if (typeof value === 'number' && !Number.isFinite(value)) this.sawNonFinite = true;
    return value;
  }

  private parseNumber(): number {
    const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = this.i;
    const m = match.exec(this.text);
    if (!m || m[0] === '-' || m[0].length === 0) this.fail('invalid number');
    this.i += m[0].length;
    const next = this.text[this.i];
    if (next !== undefined && /[0-9.eE+\-a-zA-Z]/.test(next)) this.fail(`invalid number (unexpected ${this.here()})`);
    return Number(m[0]);
  }

  private parseString(): string {
    const t = this.text;
    const start = this.i;
    this.i++;
    let out = '';
    while (true) {
      if (this.i >= t.length) this.fail('unterminated string', start);
      const ch = t.charCodeAt(this.i);
      if (ch === 34) {
        this.i++;
        return out;
      }
      if (ch < 0x20) this.fail(`${this.here()} inside a string (escape it)`);
      if (ch === 92) {
        const esc = t[this.i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (esc !== undefined && esc in simple) {
          out += simple[esc];
          this.i += 2;
        } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(t.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else {
          this.fail('invalid escape sequence in a string');
        }
      } else {
        out += t[this.i];
        this.i++;
      }
    }
  }

  private parseArray(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    while (true) {
      out.push(this.parseValue('an array element'));
      this.skipSpace();
      const ch = this.text[this.i];
      if (ch === ',') {
        this.i++;
        this.skipSpace();
        if (this.text[this.i] === ']') this.fail('trailing comma before "]"');
      } else if (ch === ']') {
        this.i++;
        return out;
      } else {
        this.fail(`expected "," or "]" after an array element, got ${this.here()}`);
      }
    }
  }

  private parseObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    while (true) {
      this.skipSpace();
      if (this.text[this.i] !== '"') this.fail(`expected a field name in double quotes, got ${this.here()}`);
      const key = this.parseString();
      this.skipSpace();
      if (this.text[this.i] !== ':') this.fail(`expected ":" after the field name ${JSON.stringify(key)}, got ${this.here()}`);
      this.i++;
      Object.defineProperty(out, key, { value: this.parseValue(`a value for ${JSON.stringify(key)}`), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const ch = this.text[this.i];
      if (ch === ',') {
        this.i++;
        this.skipSpace();
        if (this.text[this.i] === '}') this.fail('trailing comma before "}"');
      } else if (ch === '}') {
        this.i++;
        return out;
      } else {
        this.fail(`expected "," or "}" after a field, got ${this.here()}`);
      }
    }
  }
}
