/**
 * The Python-compatibility helpers checked against the real thing: Python's json module and jsonschema
 * (when python3 with jsonschema is installed on this machine; skipped otherwise).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pyDumps, pyLoads, pyRepr } from './pyjson';
import { validateRequest } from './schema';

function python(script: string, input: unknown): unknown {
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' })) as unknown;
}

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import jsonschema'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const BAD_JSON = [
  'not json', '{bad', '{"action":"version","version":6} {}', '{"action" "version"}', '{"action":"version",\n "version":6,}',
  '["a" "b"]', '{"action":"vers', '', '  ', '{"a":1,', '[1,]', '{"a":"\\x"}', '{"a":"b\nc"}', '[-]', 'nul', '{"a" : tru}',
  '01', '{"a":"\\u12"}', '[1 2]', '{"a":1 "b":2}', '\n\n  x', '{"é":"日本" x}', '[1,2,', '{"a"', '{"a":', 'tru', '1.5e', '-0.5x',
  '{"emoji":"🎌"} 🎌',
];

const VALUES: unknown[] = [
  { result: ['Default', 'Ünïcødé 日本 🎌'], error: null },
  { a: [1, 2.5, -3, true, false, null, ''], 'k"ey': 'q"uote\\back\nnl\ttab\u0001\u007f' },
  [],
  {},
  'plain',
  1234567890123,
];

const REQUESTS: unknown[] = [
  { version: 6 }, { action: 1 }, { action: '' }, { action: 'version', version: '6' }, { action: 'version', version: 6.5 },
  { action: 'version', version: true }, { action: 'version', params: [] }, { action: 'version', params: null }, [], 'just a string',
  { action: 'x', version: '6', params: [] }, { version: '6' }, null, 5, { action: 'ok', version: 6, params: {} },
];

describe.skipIf(!hasPython)('against real Python', () => {
  it('pyLoads gives exactly the json.loads error texts', () => {
    const py = python(
      'import json,sys\nout=[]\nfor s in json.load(sys.stdin):\n  try:\n    json.loads(s); out.append("OK")\n  except Exception as e:\n    out.append(str(e))\nprint(json.dumps(out))',
      BAD_JSON,
    );
    const mine = BAD_JSON.map((s) => {
      try {
        pyLoads(s);
        return 'OK';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(mine).toEqual(py);
  });

  it('pyDumps equals json.dumps byte for byte; pyRepr equals repr', () => {
    const py = python('import json,sys\nprint(json.dumps([[json.dumps(v), repr(v)] for v in json.load(sys.stdin)]))', VALUES) as Array<[string, string]>;
    expect(VALUES.map((v) => [pyDumps(v), pyRepr(v)])).toEqual(py);
  });

  it('validateRequest gives exactly jsonschema’s messages', () => {
    const py = python(
      'import json,sys,jsonschema\n' +
        'schema={"type":"object","properties":{"action":{"type":"string","minLength":1},"version":{"type":"integer"},"params":{"type":"object"}},"required":["action"]}\n' +
        'out=[]\nfor r in json.load(sys.stdin):\n  try:\n    jsonschema.validate(r,schema); out.append(None)\n  except jsonschema.ValidationError as e:\n    out.append(str(e))\nprint(json.dumps(out))',
      REQUESTS,
    );
    expect(REQUESTS.map((r) => validateRequest(r))).toEqual(py);
  });
});

describe('without Python', () => {
  it('pyDumps escapes like ensure_ascii and uses Python separators', () => {
    expect(pyDumps({ a: ['é', 1, null] })).toBe('{"a": ["\\u00e9", 1, null]}');
    expect(pyDumps('🎌')).toBe('"\\ud83c\\udf8c"');
  });
  it('pyRepr quotes like Python', () => {
    expect(pyRepr(["it's", 'x', { k: true }])).toBe(`["it's", 'x', {'k': True}]`);
  });
});
