// Reads a large AnkiConnect reply entry by entry (pure: no `vscode` import).
//
// A `notesInfo` reply of 5,000 notes is ~2.5 MB of JSON. Parsed whole, the reply text (one string in V8's
// large-object space), its parsed tree and the validated copy are all alive at once and, on a listing of 50,000
// notes, ten of each become garbage that waits for a major GC. `scanResultEntries` instead walks the reply's
// bytes (a Buffer, outside V8's heap) and hands over the JSON text of one `result` element at a time, so each
// element is parsed, validated and summarised while the others are still bytes.
//
// It only recognises the plain envelope `{"result": [ … ], "error": …}` (keys in any order, other keys
// skipped). For anything else — not an object, no `result` array, a key twice, malformed JSON — it returns
// `undefined` and the caller parses the reply the usual way (JSON.parse + zod), which also produces the usual
// error for a bad reply. Structural characters of JSON are ASCII, and UTF-8 never uses ASCII bytes inside a
// multi-byte character, so scanning bytes is exact.

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

class Malformed extends Error {}

/** An error thrown by the caller's `each`: it propagates as is. */
class FromEach extends Error {
  constructor(readonly error: unknown) {
    super('each');
  }
}

/** The outcome of a scan: how many elements `result` had and the `error` member's value. */
export interface ScannedReply {
  count: number;
  /** The parsed `error` member (`undefined` when the reply has none). */
  error: unknown;
}

/**
 * Walks `body` = `{"result": [e0, e1, …], "error": …}` and calls `each(json, i)` with the JSON text of each
 * element of `result` in order, as soon as that element has been read (not checked to be valid JSON: `each`
 * parses it). Returns `undefined` (having possibly called `each` for some elements) when the body does not have
 * that shape: the caller then parses it whole. An error thrown by `each` stops the scan and propagates.
 */
export function scanResultEntries(body: Buffer, each: (json: string, index: number) => void): ScannedReply | undefined {
  const n = body.length;
  // Decoded as the whole body would be (`toString('utf8')`): ranges start and end at ASCII structural
  // characters, so no multi-byte sequence is cut.
  const text = (start: number, end: number): string => body.toString('utf8', start, end);

  const skipWs = (i: number): number => {
    while (i < n && isWs(body[i])) i++;
    return i;
  };
  /** `i` at an opening quote: the index after the closing one. */
  const endOfString = (i: number): number => {
    let j = i + 1;
    for (;;) {
      const q = body.indexOf(QUOTE, j);
      if (q < 0) throw new Malformed();
      // The quote is escaped when an odd number of backslashes precede it.
      let k = q - 1;
      while (k > i && body[k] === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1;
      j = q + 1;
    }
  };
  /** `i` at the first character of a value: the index after it. */
  const endOfValue = (i: number): number => {
    const c = body[i];
    if (c === QUOTE) return endOfString(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      let depth = 0;
      let j = i;
      while (j < n) {
        const d = body[j] as number;
        if (d === QUOTE) {
          j = endOfString(j);
          continue;
        }
        if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
        else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) return j + 1;
        }
        j++;
      }
      throw new Malformed();
    }
    // a number, true, false or null
    let j = i;
    while (j < n) {
      const d = body[j];
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isWs(d)) break;
      j++;
    }
    if (j === i) throw new Malformed();
    return j;
  };

  try {
    let i = skipWs(0);
    if (body[i] !== OPEN_BRACE) return undefined;
    i = skipWs(i + 1);
    let count: number | undefined;
    let error: unknown;
    let sawError = false;
    if (body[i] === CLOSE_BRACE) return undefined;
    for (;;) {
      if (body[i] !== QUOTE) return undefined;
      const keyEnd = endOfString(i);
      const key: unknown = JSON.parse(text(i, keyEnd));
      i = skipWs(keyEnd);
      if (body[i] !== COLON) return undefined;
      i = skipWs(i + 1);
      if (key === 'result') {
        if (count !== undefined || body[i] !== OPEN_BRACKET) return undefined;
        count = 0;
        i = skipWs(i + 1);
        if (body[i] === CLOSE_BRACKET) i++;
        else {
          for (;;) {
            const end = endOfValue(i);
            try {
              each(text(i, end), count);
            } catch (e) {
              throw new FromEach(e);
            }
            count++;
            i = skipWs(end);
            if (body[i] === COMMA) i = skipWs(i + 1);
            else if (body[i] === CLOSE_BRACKET) {
              i++;
              break;
            } else return undefined;
          }
        }
      } else {
        const end = endOfValue(i);
        if (key === 'error') {
          if (sawError) return undefined;
          sawError = true;
          error = JSON.parse(text(i, end));
        }
        i = end;
      }
      i = skipWs(i);
      if (body[i] === COMMA) i = skipWs(i + 1);
      else if (body[i] === CLOSE_BRACE) break;
      else return undefined;
    }
    if (skipWs(i + 1) !== n || count === undefined) return undefined;
    return { count, error: sawError ? error : undefined };
  } catch (e) {
    if (e instanceof FromEach) throw e.error;
    // Malformed JSON: the caller's full parse reports it.
    if (e instanceof Malformed || e instanceof SyntaxError) return undefined;
    throw e;
  }
}
