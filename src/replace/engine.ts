// The find-and-replace engine (pure: no `vscode` import).
//
// - Find text literally or as a JavaScript regular expression (always compiled with the `u` flag, so a match
//   never splits a surrogate pair and `.` is one code point); match case; whole word (no letter, digit or `_`
//   on either side, Unicode-aware).
// - The replacement is literal in literal mode: `$` stays `$` (Anki's own Find and Replace expands `$1` even
//   when "regex" is off, its bug #5215). In regex mode it follows JavaScript's `String.prototype.replace`
//   rules: `$1`…`$99`, `$<name>`, `$&`, `` $` ``, `$'`, `$$`.
// - "Text only" leaves HTML tags, attributes, comments and the contents of <script>/<style> untouched: the field
//   is tokenized with htmlparser2 and only the text between tags is searched (entities as written, e.g.
//   `&amp;`). A match never spans a tag.
import { Tokenizer } from 'htmlparser2';

export interface FindOptions {
  find: string;
  regex?: boolean;
  matchCase?: boolean;
  wholeWord?: boolean;
}

export interface ReplaceOptions extends FindOptions {
  replace: string;
  textOnly?: boolean;
}

/** Problems found before anything is searched; the glue turns the code into a message. */
export type FindProblem = { code: 'emptyFind' } | { code: 'invalidRegex'; detail: string };

/** One match in a text, with the text that replaces it. Offsets in UTF-16 code units. */
export interface Match {
  start: number;
  end: number;
  text: string;
  replacement: string;
}

export interface Matcher {
  readonly options: Readonly<ReplaceOptions>;
  /** Every match in `text` (in order, not overlapping). */
  matches(text: string): Match[];
}

const WORD = '[\\p{L}\\p{N}\\p{M}_]';

/** Escapes every regex syntax character (valid under the `u` flag). */
export function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export function compileMatcher(opts: ReplaceOptions): { ok: true; matcher: Matcher } | { ok: false; problem: FindProblem } {
  if (opts.find === '') return { ok: false, problem: { code: 'emptyFind' } };
  let source = opts.regex ? opts.find : escapeRegExp(opts.find);
  if (opts.wholeWord) source = `(?<!${WORD})(?:${source})(?!${WORD})`;
  let re: RegExp;
  try {
    re = new RegExp(source, `gu${opts.matchCase ? '' : 'i'}`);
  } catch (e) {
    return { ok: false, problem: { code: 'invalidRegex', detail: e instanceof Error ? e.message : String(e) } };
  }
  const options: ReplaceOptions = { ...opts };
  const literal = !opts.regex;
  // Matches in `text.slice(from, to)` (a text segment in "text only" mode: a match never leaves it).
  const matchAll = (text: string, from: number, to: number, out: Match[]): void => {
    const subject = from === 0 && to === text.length ? text : text.slice(from, to);
    re.lastIndex = 0;
    for (let m = re.exec(subject); m !== null; m = re.exec(subject)) {
      const replacement = literal ? options.replace : expandReplacement(options.replace, m, subject);
      out.push({ start: from + m.index, end: from + m.index + m[0].length, text: m[0], replacement });
      if (m[0].length === 0) {
        // An empty match: step over one code point (never into the middle of a surrogate pair).
        const cp = subject.codePointAt(re.lastIndex);
        re.lastIndex += cp !== undefined && cp > 0xffff ? 2 : 1;
        if (re.lastIndex > subject.length) break;
      }
    }
  };
  const matcher: Matcher = {
    options,
    matches(text: string): Match[] {
      const out: Match[] = [];
      if (options.textOnly) for (const [a, b] of textRanges(text)) matchAll(text, a, b, out);
      else matchAll(text, 0, text.length, out);
      return out;
    },
  };
  return { ok: true, matcher };
}

/** JavaScript's GetSubstitution for a regex match (the `$` patterns of `String.prototype.replace`). */
export function expandReplacement(template: string, m: RegExpExecArray, subject: string): string {
  if (!template.includes('$')) return template;
  const groups = m.length - 1;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const n = template[i + 1] as string;
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '&') {
      out += m[0];
      i++;
    } else if (n === '`') {
      out += subject.slice(0, m.index);
      i++;
    } else if (n === "'") {
      out += subject.slice(m.index + m[0].length);
      i++;
    } else if (n >= '0' && n <= '9') {
      const two = template.slice(i + 1, i + 3);
      const twoNum = /^\d\d$/.test(two) ? Number(two) : NaN;
      const oneNum = Number(n);
      if (!Number.isNaN(twoNum) && twoNum >= 1 && twoNum <= groups) {
        out += m[twoNum] ?? '';
        i += 2;
      } else if (oneNum >= 1 && oneNum <= groups) {
        out += m[oneNum] ?? '';
        i++;
      } else {
        out += '$';
      }
    } else if (n === '<' && m.groups !== undefined) {
      const close = template.indexOf('>', i + 2);
      if (close < 0) {
        out += '$';
        continue;
      }
      const name = template.slice(i + 2, close);
      out += m.groups[name] ?? '';
      i = close;
    } else {
      out += '$';
    }
  }
  return out;
}

/**
 * The ranges of `html` that are text (outside tags, attributes, comments, CDATA, processing instructions and the
 * raw contents of <script>/<style>), as [start, end) in UTF-16 code units, merged when adjacent.
 */
export function textRanges(html: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let raw = false; // inside <script>/<style>
  let lastOpen = '';
  const push = (a: number, b: number): void => {
    if (b <= a || raw) return;
    const prev = ranges[ranges.length - 1];
    if (prev && prev[1] === a) prev[1] = b;
    else ranges.push([a, b]);
  };
  const tokenizer = new Tokenizer(
    { decodeEntities: false },
    {
      ontext: (a, b) => push(a, b),
      ontextentity: () => undefined,
      onattribdata: () => undefined,
      onattribentity: () => undefined,
      onattribend: () => undefined,
      onattribname: () => undefined,
      oncdata: () => undefined,
      onclosetag: (a, b) => {
        const name = html.slice(a, b).toLowerCase();
        if (name === 'script' || name === 'style') raw = false;
      },
      oncomment: () => undefined,
      ondeclaration: () => undefined,
      onend: () => undefined,
      onopentagend: () => {
        if (lastOpen === 'script' || lastOpen === 'style') raw = true;
      },
      onopentagname: (a, b) => {
        lastOpen = html.slice(a, b).toLowerCase();
      },
      onprocessinginstruction: () => undefined,
      onselfclosingtag: () => {
        lastOpen = '';
      },
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return ranges;
}

/** Applies matches (sorted, non-overlapping) to a text. */
export function applyMatches(text: string, matches: readonly Match[]): string {
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + m.replacement;
    at = m.end;
  }
  return out + text.slice(at);
}

/** Replaces every match in `text`: the new text and the matches. */
export function replaceInText(text: string, matcher: Matcher): { text: string; matches: Match[] } {
  const matches = matcher.matches(text);
  return { text: matches.length === 0 ? text : applyMatches(text, matches), matches };
}
