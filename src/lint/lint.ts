// Checks of a note document as the user types (pure: no `vscode` import). Everything a save would refuse
// comes from the document parser itself (src/notes/document.ts, same messages: one source of truth) and is an
// error; the checks added here (cloze, HTML, media, empty first field, new deck, duplicate) are what Anki
// would refuse or silently do differently from what the user means. Each problem carries document offsets,
// a stable code, a severity, either the parser's message or a message code + arguments for the glue to
// localise, and the quick fixes that apply to it as text edits.
import type { Message } from '../messages';
import { deckKey } from '../notes/deckName';
import { closestName, parseNewNoteDocument, parseNoteDocument } from '../notes/document';
import type { DocumentProblem, NoteSnapshot } from '../notes/model';
import { scanCloze, type MalformedKind } from './cloze';
import { fieldIsEmptyForAnki, htmlBalance, tokenizeHtml, type HtmlToken } from './html';
import { offsetIn, rangeIn, readStructure, type FieldAt, type NoteStructure, type ScalarAt } from './structure';

export type LintSeverity = 'error' | 'warning' | 'info';

export type LintCode =
  | DocumentProblem['code']
  | 'emptyTag'
  | 'duplicateTag'
  | 'fieldLeftOut'
  | 'newDeck'
  | 'emptyFirstField'
  | 'noCloze'
  | 'clozeInNonCloze'
  | 'malformedCloze'
  | 'unclosedElement'
  | 'strayEndTag'
  | 'missingMedia'
  | 'duplicateNote';

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export type FixKind = 'renameField' | 'splitTag' | 'joinTag' | 'removeTag' | 'closeElement' | 'removeEndTag' | 'addField';

export interface LintFix {
  kind: FixKind;
  /** Arguments of the fix's title (e.g. the new field name). */
  args: string[];
  edits: TextEdit[];
  preferred?: boolean;
}

export interface LintProblem {
  code: LintCode;
  severity: LintSeverity;
  start: number;
  end: number;
  /** The document parser's own message (the one a save gives), for problems the parser found. */
  message?: string;
  /** The parser's message as a code with arguments (what the glue shows, localized). */
  msg?: Message;
  /** Otherwise the message's arguments (the glue has one message per code, or per code + `variant`). */
  args: string[];
  variant?: string;
  fixes: LintFix[];
  /** duplicateNote: the other notes' ids. */
  noteIds?: number[];
}

export interface NoteTypeInfo {
  fields: readonly string[];
  isCloze: boolean;
  id?: number;
}

export interface LintContext {
  mode: 'existing' | 'new';
  /** Existing notes: the note as loaded (what the parser compares the document with). */
  loaded?: NoteSnapshot;
  /** Note types by name; undefined while not known (checks that need them are skipped). */
  noteTypes?: ReadonlyMap<string, NoteTypeInfo>;
  /** Deck names in Anki; undefined while not known. */
  decks?: readonly string[];
  /** File names in Anki's media folder; undefined while not known. */
  media?: ReadonlySet<string>;
  /** Other notes of the same type with the same first field (from the duplicate check). */
  duplicates?: readonly number[];
}

/** Offsets of the starts of lines (for the parser's 1-based line/column positions). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetAt(starts: readonly number[], line: number, column: number, textLength: number): number {
  const s = starts[Math.max(0, line - 1)] ?? textLength;
  return Math.min(textLength, s + Math.max(0, column - 1));
}

/** A text as a YAML key or flow-sequence item: plain when it is plainly safe, else double-quoted. */
export function yamlInline(s: string): string {
  if (/^[\p{L}\p{N}_][\p{L}\p{N}_\-.:/()+]*$/u.test(s) && !s.endsWith(':') && !s.includes(': ') && !/^(true|false|null|~|yes|no|on|off)$/i.test(s)) return s;
  return JSON.stringify(s);
}

const tagKey = (t: string): string => t.normalize('NFC').toLowerCase();

/** The edit removing one item of a flow sequence (with its separator). */
function removeItemEdit(text: string, item: ScalarAt): TextEdit {
  const [s, e] = item.range;
  const after = /^[ \t]*,[ \t]*/.exec(text.slice(e));
  if (after) return { start: s, end: e + after[0].length, newText: '' };
  const before = /,[ \t]*$/.exec(text.slice(0, s));
  if (before) return { start: s - before[0].length, end: e, newText: '' };
  return { start: s, end: e, newText: '' };
}

function noteTypeName(ctx: LintContext, st: NoteStructure): string | undefined {
  return ctx.mode === 'existing' ? ctx.loaded?.noteType : st.noteType?.text;
}

function fieldNamesOf(ctx: LintContext, st: NoteStructure): readonly string[] | undefined {
  if (ctx.mode === 'existing') return ctx.loaded?.fields.map(([n]) => n);
  const nt = st.noteType?.text;
  return nt !== undefined ? ctx.noteTypes?.get(nt)?.fields : undefined;
}

/** The parser's problems as lint problems (all errors: a save refuses them), with refined codes and fixes. */
function parserProblems(text: string, ctx: LintContext, st: NoteStructure): LintProblem[] {
  let problems: DocumentProblem[];
  if (ctx.mode === 'existing') {
    if (!ctx.loaded) return [];
    const r = parseNoteDocument(text, ctx.loaded);
    problems = r.ok ? [] : r.problems;
  } else {
    const types = ctx.noteTypes;
    const r = parseNewNoteDocument(text, (t) => types?.get(t)?.fields ?? (types ? undefined : []), types ? [...types.keys()] : undefined);
    problems = r.ok ? [] : r.problems;
    // Unknown note types cannot be told while the note types are not known.
    if (!types) problems = problems.filter((p) => p.code !== 'unknownNoteType' && p.code !== 'unknownField');
  }
  const starts = lineStarts(text);
  const fieldNames = fieldNamesOf(ctx, st) ?? [];
  const present = new Set(st.fields?.entries.map((f) => f.name) ?? []);
  const tagItems = st.tags?.items ?? [];
  return problems.map((p): LintProblem => {
    const start = offsetAt(starts, p.line, p.column, text.length);
    const end = p.endLine !== undefined && p.endColumn !== undefined ? Math.max(start, offsetAt(starts, p.endLine, p.endColumn, text.length)) : Math.min(text.length, start + 1);
    const out: LintProblem = { code: p.code, severity: 'error', start, end, message: p.message, ...(p.msg ? { msg: p.msg } : {}), args: [], fixes: [] };
    if (p.code === 'unknownField') {
      const field = st.fields?.entries.find((f) => f.keyRange[0] === start);
      const hint = field ? closestName(field.name, fieldNames.filter((n) => !present.has(n))) : undefined;
      if (field && hint !== undefined) {
        out.fixes.push({ kind: 'renameField', args: [field.name, hint], edits: [{ start: field.keyRange[0], end: field.keyRange[1], newText: yamlInline(hint) }], preferred: true });
      }
    } else if (p.code === 'tagHasSpace' || p.code === 'badTags') {
      const index = tagItems.findIndex((t) => t.range[0] === start);
      const item = tagItems[index];
      if (item) {
        if (p.code === 'tagHasSpace') {
          const words = item.text.split(/[ \u3000]+/).filter((w) => w !== '');
          if (st.tags?.flow && words.length > 1) {
            out.fixes.push({ kind: 'splitTag', args: [item.text, words.join(', ')], edits: [{ start: item.range[0], end: item.range[1], newText: words.map(yamlInline).join(', ') }], preferred: true });
          }
          const joined = words.join('_');
          out.fixes.push({ kind: 'joinTag', args: [item.text, joined], edits: [{ start: item.range[0], end: item.range[1], newText: yamlInline(joined) }] });
        } else if (item.text === '') {
          out.code = 'emptyTag';
          if (st.tags?.flow) out.fixes.push({ kind: 'removeTag', args: [item.text], edits: [removeItemEdit(text, item)], preferred: true });
        } else if (tagItems.slice(0, index).some((t) => tagKey(t.text) === tagKey(item.text))) {
          out.code = 'duplicateTag';
          if (st.tags?.flow) out.fixes.push({ kind: 'removeTag', args: [item.text], edits: [removeItemEdit(text, item)], preferred: true });
        }
      }
    } else if (p.code === 'missingField') {
      const fields = st.fields;
      const name = /"([^"]*)"/.exec(p.message)?.[1];
      if (fields && name !== undefined && fields.entries.length > 0) {
        const last = fields.entries[fields.entries.length - 1];
        const lineStart = last ? text.lastIndexOf('\n', last.keyRange[0]) + 1 : fields.range[0];
        const indent = last ? text.slice(lineStart, last.keyRange[0]) : '  ';
        const endOfFields = fields.range[1];
        const atLineEnd = text[endOfFields - 1] === '\n' ? endOfFields : endOfFields;
        const newText = `${text[atLineEnd - 1] === '\n' ? '' : '\n'}${indent}${yamlInline(name)}:${text[atLineEnd - 1] === '\n' ? '\n' : ''}`;
        out.fixes.push({ kind: 'addField', args: [name], edits: [{ start: atLineEnd, end: atLineEnd, newText }], preferred: true });
      }
    }
    return out;
  });
}

/** Media file names a field refers to, with their ranges in the field's HTML. */
export interface MediaRef {
  name: string;
  start: number;
  end: number;
  kind: 'image' | 'sound' | 'other';
}

export function mediaRefs(html: string, tokens: readonly HtmlToken[] = tokenizeHtml(html)): MediaRef[] {
  const refs: MediaRef[] = [];
  for (const t of tokens) {
    if (t.kind === 'open' && (t.name === 'img' || t.name === 'audio' || t.name === 'video' || t.name === 'source')) {
      const src = t.attributes.find((a) => a.name === 'src');
      if (src && isLocalMedia(src.value)) refs.push({ name: src.value, start: src.valueStart, end: src.valueEnd, kind: t.name === 'img' ? 'image' : 'other' });
    } else if (t.kind === 'text') {
      const raw = html.slice(t.start, t.end);
      for (const m of raw.matchAll(/\[sound:([^\]]+)\]/g)) {
        const name = m[1] ?? '';
        const at = t.start + (m.index ?? 0) + '[sound:'.length;
        if (isLocalMedia(name)) refs.push({ name, start: at, end: at + name.length, kind: 'sound' });
      }
    }
  }
  return refs;
}

function isLocalMedia(name: string): boolean {
  return name !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(name) && !name.startsWith('/') && !name.startsWith('//');
}

/** Whether Anki's media folder has `name` (as written, or URL-decoded as a browser reads a `src`). */
export function hasMedia(media: ReadonlySet<string>, name: string): boolean {
  if (media.has(name) || media.has(name.normalize('NFC'))) return true;
  try {
    const decoded = decodeURIComponent(name);
    return media.has(decoded) || media.has(decoded.normalize('NFC'));
  } catch {
    return false;
  }
}

function mapped(field: FieldAt, value: ScalarAt, start: number, end: number): { start: number; end: number } {
  const [a, b] = rangeIn(value, start, end);
  void field;
  return { start: a, end: b };
}

/**
 * The edit replacing `[start, end)` of a field's text by `newText`: in place when the document then reads
 * exactly the intended value, otherwise the whole value rewritten as a double-quoted scalar (a plain value
 * that would start with a quote, a `#` that would become a comment …).
 */
function valueEdit(text: string, field: FieldAt, value: ScalarAt, start: number, end: number, newText: string): TextEdit[] {
  const intended = value.text.slice(0, start) + newText + value.text.slice(end);
  if (value.offsets) {
    const a = offsetIn(value, start);
    const b = end > start ? offsetIn(value, end - 1) + 1 : a;
    const edit: TextEdit = { start: a, end: b, newText };
    const after = readStructure(applyEdits(text, [edit])).fields?.entries.find((f) => f.name === field.name)?.value?.text;
    if (after === intended) return [edit];
  }
  // A block scalar's range ends after its last line break: keep the line structure.
  const replaced = text.slice(value.range[0], value.range[1]);
  const trailing = /\r?\n[ \t\r\n]*$/.exec(replaced)?.[0] ?? '';
  return [{ start: value.range[0], end: value.range[1] - trailing.length, newText: JSON.stringify(intended) }];
}

const CLOZE_ARG: Record<MalformedKind, string> = { noNumber: 'noNumber', singleColon: 'singleColon', unclosed: 'unclosed' };

/** All problems of a note document, in document order. */
export function lintNoteDocument(text: string, ctx: LintContext): LintProblem[] {
  const st = readStructure(text);
  const problems = parserProblems(text, ctx, st);
  const fatal = problems.some((p) => p.code === 'yaml' || p.code === 'notAMapping');
  if (fatal) return problems;

  const add = (p: Omit<LintProblem, 'fixes'> & { fixes?: LintFix[] }): void => {
    problems.push({ fixes: [], ...p });
  };
  const noteType = noteTypeName(ctx, st);
  const typeInfo = noteType !== undefined ? ctx.noteTypes?.get(noteType) : undefined;
  const fieldNames = fieldNamesOf(ctx, st);
  const entries = st.fields?.entries ?? [];

  // Fields of the note type left out of a new note (created empty).
  if (ctx.mode === 'new' && fieldNames && st.fields) {
    const present = new Set(entries.map((e) => e.name));
    for (const name of fieldNames) {
      if (!present.has(name)) add({ code: 'fieldLeftOut', severity: 'info', start: st.fields.keyRange[0], end: st.fields.keyRange[1], args: [name] });
    }
  }

  // Deck that does not exist yet (valid names only; the parser reports invalid ones).
  if (st.deck && ctx.decks && !problems.some((p) => p.code === 'badDeck' || p.code === 'emptyDeck')) {
    const unchanged = ctx.mode === 'existing' && st.deck.text === ctx.loaded?.deck;
    const key = deckKey(st.deck.text);
    if (!unchanged && st.deck.text.trim() !== '' && !ctx.decks.some((d) => deckKey(d) === key)) {
      add({ code: 'newDeck', severity: 'info', start: st.deck.range[0], end: st.deck.range[1], args: [st.deck.text] });
    }
  }

  const findings = fieldFindings(
    entries.flatMap((e) => (e.value ? [{ name: e.name, text: e.value.text }] : [])),
    { mode: ctx.mode, noteType, firstName: fieldNames?.[0], isCloze: typeInfo?.isCloze, media: ctx.media, duplicates: ctx.duplicates?.filter((id) => id !== ctx.loaded?.id) ?? [], firstMissing: ctx.mode === 'new' },
  );
  problems.push(...placeFindings(text, st, findings));
  return problems.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Where a finding of the field checks is: inside a field's text, on the `fields` key, or on a whole field. */
export type FindingAt = { field: string; start: number; end: number } | { fieldsKey: true } | { wholeField: string };

/** A problem found in the fields' texts (positions in the field's text; placed in a document later). */
export interface Finding {
  code: LintCode;
  severity: LintSeverity;
  at: FindingAt;
  args: string[];
  variant?: string;
  noteIds?: number[];
  /** A replacement inside the field's text. */
  fix?: { kind: FixKind; args: string[]; start: number; end: number; newText: string };
}

export interface FieldCheckOptions {
  mode: 'existing' | 'new';
  noteType: string | undefined;
  firstName: string | undefined;
  /** Undefined when the note type is not known. */
  isCloze: boolean | undefined;
  media: ReadonlySet<string> | undefined;
  duplicates: readonly number[];
  /** The first field absent from the fields counts as empty (new notes: created empty). */
  firstMissing: boolean;
}

/**
 * The checks of the fields' HTML that need no YAML (fast: Check Notes runs them on thousands of notes): empty
 * first field, cloze against the note type, malformed cloze, unclosed / stray elements, missing media, duplicates.
 */
export function fieldFindings(fields: ReadonlyArray<{ name: string; text: string }>, o: FieldCheckOptions): Finding[] {
  const out: Finding[] = [];
  const first = o.firstName !== undefined ? fields.find((f) => f.name === o.firstName) : undefined;
  if (o.firstName !== undefined && (first ? fieldIsEmptyForAnki(first.text) : o.firstMissing)) {
    out.push({ code: 'emptyFirstField', severity: o.mode === 'new' ? 'error' : 'warning', at: first ? { wholeField: o.firstName } : { fieldsKey: true }, args: [o.firstName], variant: o.mode });
  }
  let clozeCount = 0;
  const clozes: Finding[] = [];
  for (const { name, text: html } of fields) {
    if (html === '') continue;
    if (html.includes('{{c')) {
      const scan = scanCloze(html);
      clozeCount += scan.deletions.length;
      for (const d of scan.deletions) clozes.push({ code: 'clozeInNonCloze', severity: 'warning', at: { field: name, start: d.start, end: Math.min(d.end, d.start + `{{c${d.n}::`.length) }, args: [o.noteType ?? ''] });
      for (const m of scan.malformed) out.push({ code: 'malformedCloze', severity: 'warning', at: { field: name, start: m.start, end: m.end }, args: [html.slice(m.start, m.end)], variant: CLOZE_ARG[m.kind] });
    }
    if (!/[<>&[]/.test(html)) continue;
    const tokens = tokenizeHtml(html);
    for (const b of htmlBalance(html, tokens)) {
      if (b.kind === 'unclosed') {
        // At the very end: before trailing line breaks (the end tag stays on the value's last line).
        let insertAt = b.insertAt;
        if (insertAt === html.length) while (insertAt > 0 && /[\r\n]/.test(html[insertAt - 1] ?? '')) insertAt--;
        out.push({ code: 'unclosedElement', severity: 'warning', at: { field: name, start: b.start, end: b.end }, args: [b.name, name], fix: { kind: 'closeElement', args: [b.name], start: insertAt, end: insertAt, newText: `</${b.name}>` } });
      } else {
        out.push({ code: 'strayEndTag', severity: 'warning', at: { field: name, start: b.start, end: b.end }, args: [b.name, name], fix: { kind: 'removeEndTag', args: [b.name], start: b.start, end: b.end, newText: '' } });
      }
    }
    if (o.media) {
      for (const ref of mediaRefs(html, tokens)) {
        if (!hasMedia(o.media, ref.name)) out.push({ code: 'missingMedia', severity: 'warning', at: { field: name, start: ref.start, end: ref.end }, args: [ref.name] });
      }
    }
  }
  if (o.isCloze === true && clozeCount === 0) {
    out.push({ code: 'noCloze', severity: o.mode === 'new' ? 'error' : 'warning', at: { fieldsKey: true }, args: [o.noteType ?? ''], variant: o.mode });
  } else if (o.isCloze === false) {
    out.push(...clozes);
  }
  if (o.duplicates.length > 0 && first && o.firstName !== undefined) {
    out.push({ code: 'duplicateNote', severity: 'warning', at: { wholeField: o.firstName }, args: [o.firstName, String(o.duplicates.length)], noteIds: [...o.duplicates] });
  }
  return out;
}

/** Findings as problems of the document `text` (with `st` its structure), with exact ranges and fixes. */
export function placeFindings(text: string, st: NoteStructure, findings: readonly Finding[]): LintProblem[] {
  const entries = st.fields?.entries ?? [];
  const fieldsKey = st.fields?.keyRange ?? [0, 0];
  const out: LintProblem[] = [];
  for (const f of findings) {
    const base = { code: f.code, severity: f.severity, args: f.args, fixes: [] as LintFix[] };
    const extra: Partial<LintProblem> = {};
    if (f.variant !== undefined) extra.variant = f.variant;
    if (f.noteIds) extra.noteIds = f.noteIds;
    if ('fieldsKey' in f.at) {
      out.push({ ...base, ...extra, start: fieldsKey[0], end: fieldsKey[1] });
      continue;
    }
    const name = 'wholeField' in f.at ? f.at.wholeField : f.at.field;
    const entry = entries.find((e) => e.name === name);
    if (!entry) continue;
    if ('wholeField' in f.at) {
      out.push({ ...base, ...extra, start: entry.keyRange[0], end: Math.max(entry.keyRange[1], entry.valueRange[1]) });
      continue;
    }
    const value = entry.value;
    if (!value) continue;
    const r = mapped(entry, value, f.at.start, f.at.end);
    const fixes: LintFix[] = f.fix ? [{ kind: f.fix.kind, args: f.fix.args, edits: valueEdit(text, entry, value, f.fix.start, f.fix.end, f.fix.newText), preferred: true }] : [];
    out.push({ ...base, ...extra, ...r, fixes });
  }
  return out;
}

/** The field checks of a note as Anki has it (Check Notes): no YAML involved. */
export function snapshotFindings(note: NoteSnapshot, o: Pick<FieldCheckOptions, 'isCloze' | 'media' | 'duplicates'>): Finding[] {
  return fieldFindings(
    note.fields.map(([name, text]) => ({ name, text })),
    { ...o, mode: 'existing', noteType: note.noteType, firstName: note.fields[0]?.[0], firstMissing: false },
  );
}

/** What the duplicate check needs to ask Anki: the note type and its first field's HTML (undefined: no check). */
export function duplicateProbe(text: string, ctx: LintContext): { noteType: string; firstField: string } | undefined {
  const st = readStructure(text);
  const noteType = noteTypeName(ctx, st);
  const firstName = fieldNamesOf(ctx, st)?.[0];
  if (noteType === undefined || firstName === undefined) return undefined;
  const value = st.fields?.entries.find((e) => e.name === firstName)?.value?.text;
  if (value === undefined || fieldIsEmptyForAnki(value)) return undefined;
  return { noteType, firstField: value };
}

/** Anki's own duplicate search (`dupe:<note type id>,<first field>`), as one quoted search term. */
export function dupeQuery(noteTypeId: number, firstField: string): string {
  return `"dupe:${noteTypeId},${firstField.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/** Applies text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
