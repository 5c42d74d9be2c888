// The cards of a note: which ones Anki generates, and each one rendered as the reviewer shows it
// (type-in answer box, sound and TTS marks). Pure: no `vscode`.
import { clozeNumbersInFields, extractClozeForTyping } from './cloze';
import { decodeEntities, encodeMinimal, fieldIsEmpty, stripHtml } from './text';
import { fieldMapFor, nonEmptyFields, parseTemplate, renderCard, rendersWithFields, TemplateSyntaxError } from './template';
import type { TemplateError } from './template';

export interface CardTemplate {
  name: string;
  qfmt: string;
  afmt: string;
}

export interface NoteTypeDef {
  name: string;
  isCloze: boolean;
  /** In template order (ordinal = index). */
  templates: CardTemplate[];
  css: string;
}

export interface NoteContent {
  /** In the note type's field order: [name, HTML]. */
  fields: ReadonlyArray<readonly [string, string]>;
  tags: readonly string[];
  deck: string;
}

const SPECIAL_FIELDS = ['Card', 'CardFlag', 'Deck', 'Subdeck', 'Tags', 'Type', 'CardID'];

/** Anki's card generation: the 0-based ordinals of the cards a note has (template ords, or cloze numbers − 1). */
export function generatedCardOrds(nt: NoteTypeDef, note: NoteContent): number[] {
  if (nt.isCloze) {
    const nums = clozeNumbersInFields(note.fields.map(([, v]) => v));
    return [...new Set([...nums].map((n) => Math.min(Math.max(n - 1, 0), 499)))].sort((a, b) => a - b);
  }
  const nonEmpty = nonEmptyFields(new Map(note.fields.map(([k, v]) => [k, v] as [string, string])));
  const names = new Set(note.fields.map(([k]) => k));
  for (const s of SPECIAL_FIELDS) if (!names.has(s) && (s !== 'Tags' || note.tags.length > 0)) nonEmpty.add(s);
  const out: number[] = [];
  nt.templates.forEach((t, ord) => {
    try {
      if (rendersWithFields(parseTemplate(t.qfmt), nonEmpty)) out.push(ord);
    } catch (e) {
      if (!(e instanceof TemplateSyntaxError)) throw e;
    }
  });
  return out;
}

export interface CardEntry {
  /** 0-based card ordinal. */
  ord: number;
  /** Template name, or "Cloze N". */
  label: string;
  templateName: string;
  /** Anki would create this card for the note as it stands. */
  generated: boolean;
}

/** The cards a preview offers: every template (standard), or every cloze number present (at least c1). */
export function cardEntries(nt: NoteTypeDef, note: NoteContent): CardEntry[] {
  const gen = new Set(generatedCardOrds(nt, note));
  if (nt.isCloze) {
    const name = nt.templates[0]?.name ?? 'Cloze';
    const ords = gen.size > 0 ? [...gen] : [0];
    return ords.map((ord) => ({ ord, label: `Cloze ${ord + 1}`, templateName: name, generated: gen.has(ord) }));
  }
  return nt.templates.map((t, ord) => ({ ord, label: t.name, templateName: t.name, generated: gen.has(ord) }));
}

export interface RenderedCard {
  ord: number;
  question: string;
  answer: string;
  isEmpty: boolean;
  error?: { side: 'question' | 'answer'; error: TemplateError };
}

export interface RenderOptions {
  /** Card flag (0–7) of a saved card. */
  flags?: number;
  cardId?: number;
}

/** Renders card `ord` of the note as Anki's reviewer shows it before anything is typed. */
export function renderNoteCard(nt: NoteTypeDef, note: NoteContent, ord: number, opts: RenderOptions = {}): RenderedCard {
  const tmpl = nt.isCloze ? nt.templates[0] : nt.templates[ord];
  if (!tmpl) return { ord, question: '', answer: '', isEmpty: true };
  const info = { tags: note.tags, noteType: nt.name, deck: note.deck, templateName: tmpl.name, cardOrd: ord, isCloze: nt.isCloze, ...opts };
  const fields = fieldMapFor(note.fields, info);
  const r = renderCard({ qfmt: tmpl.qfmt, afmt: tmpl.afmt, fields, cardOrd: ord, isCloze: nt.isCloze });
  const out: RenderedCard = {
    ord,
    question: finishSide(r.question, 'q', fields, ord),
    answer: finishSide(r.answer, 'a', fields, ord),
    isEmpty: r.isEmpty,
  };
  if (r.error) out.error = r.error;
  return out;
}

// ------------------------------------------------------------------ what the reviewer adds

const TYPE_PATTERN = /\[\[type:(.+?)\]\]/;

/**
 * Anki's reviewer: the first `[[type:…]]` becomes an answer box on the front and Anki's comparison with
 * nothing typed on the back (`<code id=typeans>` with the expected text); a field it does not know gets
 * its warning; an empty expected answer removes the marker.
 */
function typeAnswer(html: string, side: 'q' | 'a', fields: ReadonlyMap<string, string>, ord: number): string {
  const m = TYPE_PATTERN.exec(html);
  if (!m) return html;
  let fld = m[1] as string;
  let cloze = false;
  if (fld.startsWith('cloze:')) {
    cloze = true;
    fld = fld.split(':')[1] ?? '';
  }
  if (fld.startsWith('nc:')) fld = fld.split(':')[1] ?? '';
  const value = fields.get(fld);
  let expected: string | undefined = value;
  if (value !== undefined && cloze) expected = extractClozeForTyping(value, ord + 1) || undefined;
  const all = new RegExp(TYPE_PATTERN.source, 'g');
  if (!expected) {
    if (side === 'a' || expected === '') return html.replace(all, '');
    const warn = cloze ? 'Please run Tools&gt;Empty Cards' : `Type answer: unknown field ${encodeMinimal(fld)}`;
    return html.replace(all, warn);
  }
  if (side === 'q') return html.replace(all, '\n<center>\n<input type=text id=typeans readonly placeholder="…">\n</center>\n');
  const shown = encodeMinimal(decodeEntities(stripHtml(expected.replace(/<br\s*\/?>|<\/?div>/gi, ' ')).trim()));
  const hadHr = html.includes('<hr id=answer>');
  const box = `${hadHr ? '<hr id=answer>' : ''}\n<div><code id=typeans>${shown}</code></div>`;
  const body = hadHr ? html.replace('<hr id=answer>', '') : html;
  return body.replace(all, box);
}

/** `[sound:x]` and TTS tags become play marks, as the reviewer shows buttons (no audio in the preview). */
function avMarks(html: string): string {
  let out = html.replace(/\[sound:([^\]]+)\]/g, (_m, name: string) => `<a class="replay-button soundLink anki-files-sound" title="${encodeMinimal(decodeEntities(name))}" data-sound="${encodeMinimal(name)}">▶</a>`);
  out = out.replace(/\[anki:tts lang=([^\]]*)\]([\s\S]*?)\[\/anki:tts\]/g, (_m, lang: string, text: string) =>
    `<a class="replay-button soundLink anki-files-tts" title="${encodeMinimal(`TTS ${lang}: ${stripHtml(text)}`)}">🔊</a>`,
  );
  return out;
}

export function finishSide(html: string, side: 'q' | 'a', fields: ReadonlyMap<string, string>, ord: number): string {
  return avMarks(typeAnswer(html, side, fields, ord));
}

/** Whether a field's text counts as empty for Anki. */
export { fieldIsEmpty };
