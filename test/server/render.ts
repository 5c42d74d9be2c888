/** A small re-implementation of Anki's card template rendering (enough for cardsInfo and card generation). */
import type { Model } from './models';
import { clozeNumbers, fieldIsEmpty, stripHtml } from './text';

export interface RenderResult {
  html: string;
  /** true when at least one non-empty field was substituted (Anki's "card would not be empty" rule) */
  nonEmpty: boolean;
}

type FieldMap = Map<string, string>;

function renderCloze(text: string, ord: number, question: boolean): string {
  const active = ord + 1;
  return text.replace(/\{\{c(\d+)::([\s\S]*?)(?:::([\s\S]*?))?\}\}/g, (_m, num: string, body: string, hint?: string) => {
    const n = Number(num);
    if (n === active) {
      if (question) {
        return `<span class="cloze" data-cloze="${encodeURIComponent(body)}" data-ordinal="${n}">[${hint ?? '...'}]</span>`;
      }
      return `<span class="cloze" data-ordinal="${n}">${body}</span>`;
    }
    return `<span class="cloze-inactive" data-ordinal="${n}">${body}</span>`;
  });
}

function furigana(text: string, mode: 'furigana' | 'kana' | 'kanji'): string {
  return text.replace(/ ?([^ >[\]]+?)\[(.+?)\]/g, (_m, base: string, reading: string) => {
    if (mode === 'kana') return reading;
    if (mode === 'kanji') return base;
    return `<ruby><rb>${base}</rb><rt>${reading}</rt></ruby>`;
  });
}

function applyFilters(name: string, filters: string[], fields: FieldMap, ord: number, question: boolean): [string, boolean] {
  const value = fields.get(name);
  if (value === undefined) return [`{unknown field ${name}}`, false];
  let out = value;
  const nonEmpty = !fieldIsEmpty(value);
  for (const filter of filters.reverse()) {
    if (filter === 'text') out = stripHtml(out);
    else if (filter === 'cloze') out = renderCloze(out, ord, question);
    else if (filter === 'type') out = question ? `[[type:${name}]]` : `[[type:${name}]]`;
    else if (filter === 'furigana' || filter === 'kana' || filter === 'kanji') out = furigana(out, filter);
    else if (filter === 'hint') out = `<a class=hint href="#" onclick="this.style.display='none';return false;">Show ${name}</a><div class=hint style="display: none">${out}</div>`;
  }
  return [out, nonEmpty];
}

/** Render one side of a template. `frontSide` is the question HTML used for `{{FrontSide}}`. */
export function renderTemplate(
  template: string,
  fields: FieldMap,
  ord: number,
  question: boolean,
  frontSide = '',
): RenderResult {
  let nonEmpty = false;
  // Sections first (innermost-last is fine for stock templates: no nesting of the same name).
  const sectionRe = /\{\{([#^])([^}]+)\}\}([\s\S]*?)\{\{\/\2\}\}/g;
  let html = template;
  for (let guard = 0; guard < 10 && sectionRe.test(html); guard++) {
    sectionRe.lastIndex = 0;
    html = html.replace(sectionRe, (_m, kind: string, rawName: string, body: string) => {
      const name = rawName.trim();
      const value = fields.get(name) ?? '';
      const filled = !fieldIsEmpty(value);
      return (kind === '#') === filled ? body : '';
    });
    sectionRe.lastIndex = 0;
  }
  html = html.replace(/\{\{([^}]+)\}\}/g, (_m, raw: string) => {
    const spec = raw.trim();
    if (spec === 'FrontSide') return frontSide;
    const parts = spec.split(':');
    const name = (parts.pop() as string).trim();
    const [out, filled] = applyFilters(name, parts, fields, ord, question);
    if (filled && !parts.includes('type')) nonEmpty = true;
    return out;
  });
  let soundIndex = 0;
  html = html.replace(/\[sound:[^\]]+\]/g, () => `[anki:play:${question ? 'q' : 'a'}:${soundIndex++}]`);
  return { html, nonEmpty };
}

export function fieldMap(model: Model, values: string[]): FieldMap {
  const map: FieldMap = new Map();
  for (const f of model.fields) map.set(f.name, values[f.ord] ?? '');
  return map;
}

/** Template ordinals that produce a card for these field values (Anki's card generation rules). */
export function cardOrdinals(model: Model, values: string[]): number[] {
  const fields = fieldMap(model, values);
  if (model.type === 1) {
    const tmpl = model.templates[0];
    if (!tmpl) return [];
    const nums = new Set<number>();
    for (const m of tmpl.qfmt.matchAll(/\{\{[^}]*cloze:([^}]+)\}\}/g)) {
      const value = fields.get((m[1] as string).trim()) ?? '';
      for (const n of clozeNumbers(value)) nums.add(n);
    }
    return [...nums].sort((a, b) => a - b).map((n) => n - 1);
  }
  const out: number[] = [];
  model.templates.forEach((t, ord) => {
    if (renderTemplate(t.qfmt, fields, ord, true).nonEmpty) out.push(ord);
  });
  return out;
}

export function renderCard(model: Model, values: string[], ord: number): { question: string; answer: string } {
  const fields = fieldMap(model, values);
  const tmpl = model.type === 1 ? model.templates[0] : model.templates[ord];
  if (!tmpl) return { question: `<style>${model.css}</style>`, answer: `<style>${model.css}</style>` };
  const q = renderTemplate(tmpl.qfmt, fields, ord, true).html;
  const a = renderTemplate(tmpl.afmt, fields, ord, false, q).html;
  return { question: `<style>${model.css}</style>${q}`, answer: `<style>${model.css}</style>${a}` };
}
