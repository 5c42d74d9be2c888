/**
 * Card rendering and card generation for the test server, with the extension's template renderer (src/template),
 * which follows Anki's rslib (template.rs, template_filters.rs, cloze.rs). What cardsInfo returns is what Anki's
 * Python layer returns: the template rendered (no add-on filters), `[[type:…]]` left for the reviewer, sound and
 * TTS tags replaced by `[anki:play:q:N]` markers, the note type's CSS in front.
 */
import { generatedCardOrds, renderCard as renderTemplates, fieldMapFor } from '../../src/template';
import type { NoteTypeDef } from '../../src/template';
import type { Model } from './models';

export function noteTypeDef(model: Model): NoteTypeDef {
  return { name: model.name, isCloze: model.type === 1, templates: model.templates, css: model.css };
}

const fieldsOf = (model: Model, values: string[]): Array<[string, string]> => model.fields.map((f) => [f.name, values[f.ord] ?? '']);

/** Template ordinals that produce a card for these field values (Anki's card generation rules). */
export function cardOrdinals(model: Model, values: string[], tags: readonly string[] = []): number[] {
  return generatedCardOrds(noteTypeDef(model), { fields: fieldsOf(model, values), tags, deck: '' });
}

/** Anki's `extract_av_tags`: `[sound:…]` and TTS tags become `[anki:play:q:N]`, numbered per side. */
function avMarkers(html: string, side: 'q' | 'a'): string {
  let n = 0;
  return html.replace(/\[sound:[^\]]+\]|\[anki:tts[^\]]*\][\s\S]*?\[\/anki:tts\]/g, () => `[anki:play:${side}:${n++}]`);
}

export interface CardContext {
  tags?: readonly string[];
  deck?: string;
  flags?: number;
  cardId?: number;
}

export function renderCard(model: Model, values: string[], ord: number, ctx: CardContext = {}): { question: string; answer: string } {
  const tmpl = model.type === 1 ? model.templates[0] : model.templates[ord];
  const style = `<style>${model.css}</style>`;
  if (!tmpl) return { question: style, answer: style };
  const info = { tags: ctx.tags ?? [], noteType: model.name, deck: ctx.deck ?? '', templateName: tmpl.name, cardOrd: ord, isCloze: model.type === 1, flags: ctx.flags ?? 0 };
  const fields = fieldMapFor(fieldsOf(model, values), ctx.cardId !== undefined ? { ...info, cardId: ctx.cardId } : info);
  const r = renderTemplates({ qfmt: tmpl.qfmt, afmt: tmpl.afmt, fields, cardOrd: ord, isCloze: model.type === 1 });
  return { question: style + avMarkers(r.question, 'q'), answer: style + avMarkers(r.answer, 'a') };
}
