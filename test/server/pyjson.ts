/**
 * Python-compatible JSON helpers for the AnkiConnect test server:
 * - `pyDumps`: the exact text of Python's `json.dumps(value)` (", " / ": " separators, ensure_ascii).
 * - `pyLoads`: parse like Python's `json.loads`, with Python's error messages.
 * - `pyRepr`: Python's `repr()` of JSON-like values (for TypeError/KeyError/jsonschema texts).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function escapeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

function dumpNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

/** Python `json.dumps(value)` (default options). `undefined` object members are skipped. */
export function pyDumps(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v === null || v === undefined) parts.push('null');
    else if (v === true) parts.push('true');
    else if (v === false) parts.push('false');
    else if (typeof v === 'number') parts.push(dumpNumber(v));
    else if (typeof v === 'string') parts.push(escapeString(v));
    else if (Array.isArray(v)) {
      parts.push('[');
      v.forEach((item, i) => {
        if (i > 0) parts.push(', ');
        walk(item);
      });
      parts.push(']');
    } else if (typeof v === 'object') {
      parts.push('{');
      let first = true;
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (item === undefined) continue;
        if (!first) parts.push(', ');
        first = false;
        parts.push(escapeString(k), ': ');
        walk(item);
      }
      parts.push('}');
    } else parts.push(escapeString(String(v)));
  };
  walk(value);
  return parts.join('');
}

function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a JSON-like value: `'a'`, `None`, `True`, `[1, 2]`, `{'a': 1}`. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return String(v);
  }
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return '[' + v.map(pyRepr).join(', ') + ']';
  if (typeof v === 'object') {
    return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`).join(', ') + '}';
  }
  return pyStrRepr(String(v));
}

/** Python type name of a JSON value, as in `'str' object has no attribute 'get'`. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Error carrying a Python-style message. */
export class PyJsonError extends Error {}

/** Decode UTF-8 strictly, with Python's UnicodeDecodeError text on failure. */
export function pyDecodeUtf8(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    // Find the first offending byte to mimic Python's message.
    let i = 0;
    while (i < buf.length) {
      const b = buf[i] ?? 0;
      let need = 0;
      if (b < 0x80) {
        i++;
        continue;
      } else if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) need = 2;
      else if (b >= 0xf0 && b <= 0xf4) need = 3;
      else throw new PyJsonError(`'utf-8' codec can't decode byte 0x${b.toString(16).padStart(2, '0')} in position ${i}: invalid start byte`);
      for (let k = 1; k <= need; k++) {
        const cb = buf[i + k];
        if (cb === undefined) {
          throw new PyJsonError(`'utf-8' codec can't decode byte 0x${b.toString(16).padStart(2, '0')} in position ${i}: unexpected end of data`);
        }
        if ((cb & 0xc0) !== 0x80) {
          throw new PyJsonError(`'utf-8' codec can't decode byte 0x${b.toString(16).padStart(2, '0')} in position ${i}: invalid continuation byte`);
        }
      }
      i += need + 1;
    }
    throw new PyJsonError(`'utf-8' codec can't decode bytes: invalid data`);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER_RE = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;

/** Parse like Python's `json.loads`, throwing PyJsonError with Python's message. */
export function pyLoads(doc: string): JsonValue {
  // Fast path: JSON.parse accepts a subset of what Python accepts, with the same results.
  try {
    return JSON.parse(doc) as JsonValue;
  } catch {
    /* fall through to the Python-compatible scanner for the error text (or NaN/Infinity) */
  }
  const fail = (msg: string, pos: number): never => {
    const before = doc.slice(0, pos);
    const lineno = (before.match(/\n/g)?.length ?? 0) + 1;
    const colno = pos - before.lastIndexOf('\n');
    // Python counts code points, JS counts UTF-16 units.
    const astral = before.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0;
    const cpPos = pos - astral;
    const cpCol = colno - (before.slice(before.lastIndexOf('\n') + 1).match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);
    throw new PyJsonError(`${msg}: line ${lineno} column ${cpCol} (char ${cpPos})`);
  };
  const ws = (i: number): number => {
    while (i < doc.length && WS.has(doc[i] as string)) i++;
    return i;
  };
  const scanString = (start: number): [string, number] => {
    // start points just after the opening quote
    let i = start;
    let out = '';
    for (;;) {
      if (i >= doc.length) fail('Unterminated string starting at', start - 1);
      const ch = doc[i] as string;
      if (ch === '"') return [out, i + 1];
      if (ch === '\\') {
        const esc = doc[i + 1];
        if (esc === undefined) fail('Unterminated string starting at', start - 1);
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (esc === 'u') {
          const hex = doc.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape', i + 1);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          continue;
        }
        const rep = simple[esc as string];
        if (rep === undefined) fail('Invalid \\escape', i);
        out += rep;
        i += 2;
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail('Invalid control character at', i);
      out += ch;
      i++;
    }
  };
  const value = (i: number): [JsonValue, number] => {
    const ch = doc[i];
    if (ch === '"') return scanString(i + 1);
    if (ch === '{') {
      const obj: Record<string, JsonValue> = {};
      let j = ws(i + 1);
      if (doc[j] === '}') return [obj, j + 1];
      for (;;) {
        if (doc[j] !== '"') fail('Expecting property name enclosed in double quotes', j);
        const [key, afterKey] = scanString(j + 1);
        j = ws(afterKey);
        if (doc[j] !== ':') fail("Expecting ':' delimiter", j);
        j = ws(j + 1);
        const [v, afterV] = value(j);
        obj[key] = v;
        j = ws(afterV);
        if (doc[j] === '}') return [obj, j + 1];
        if (doc[j] !== ',') fail("Expecting ',' delimiter", j);
        j = ws(j + 1);
      }
    }
    if (ch === '[') {
      const arr: JsonValue[] = [];
      let j = ws(i + 1);
      if (doc[j] === ']') return [arr, j + 1];
      for (;;) {
        const [v, afterV] = value(j);
        arr.push(v);
        j = ws(afterV);
        if (doc[j] === ']') return [arr, j + 1];
        if (doc[j] !== ',') fail("Expecting ',' delimiter", j);
        j = ws(j + 1);
      }
    }
    if (doc.startsWith('null', i)) return [null, i + 4];
    if (doc.startsWith('true', i)) return [true, i + 4];
    if (doc.startsWith('false', i)) return [false, i + 5];
    if (doc.startsWith('NaN', i)) return [NaN, i + 3];
    if (doc.startsWith('Infinity', i)) return [Infinity, i + 8];
    if (doc.startsWith('-Infinity', i)) return [-Infinity, i + 9];
    NUMBER_RE.lastIndex = i;
    const m = NUMBER_RE.exec(doc);
    if (m) return [Number(m[0]), i + m[0].length];
    return fail('Expecting value', i);
  };
  const [v, end] = value(ws(0));
  const tail = ws(end);
  if (tail !== doc.length) fail('Extra data', tail);
  return v;
}
