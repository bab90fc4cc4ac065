/**
 * JSON text: the fast built-in parser first; on failure, a small strict parser that finds
 * the line and column (V8's messages carry no position for many errors and quote the whole
 * file for others) and that reads the non-JSON literals NaN / Infinity / -Infinity, which
 * other tools write, as numbers so that validation can name the field they sit in.
 */
import { InputError } from './errors.ts';
import { stripBom } from './textFile.ts';

/** Parse JSON text; throws InputError with line and column. NaN/Infinity literals become numbers. */
export function parseJsonText(raw: string, file: string): unknown {
  const text = stripBom(raw);
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
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < this.text.length; k++) {
      const ch = this.text.charCodeAt(k);
      if (ch === 10 || (ch === 13 && this.text.charCodeAt(k + 1) !== 10)) {
        line++;
        lineStart = k + 1;
      }
    }
    throw new InputError(this.file, { kind: 'position', line, column: at - lineStart + 1, offset: at }, reason);
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
