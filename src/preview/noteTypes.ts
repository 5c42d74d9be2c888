// Templates, CSS and field names of note types for the preview: ONE request per note type
// (`multi` of modelTemplates + modelStyling + modelFieldNames), cached until the views refresh. Pure.
import { z } from 'zod';
import type { AnkiApi } from '../anki/api';
import { actions, parseOutcomes } from '../anki/actions';
import { parseTemplate, referencedFields, TemplateSyntaxError } from '../template';
import type { NoteTypeDef } from '../template';

export interface PreviewNoteType extends NoteTypeDef {
  fieldNames: string[];
}

/**
 * Whether a note type is a cloze type, from its templates: Anki refuses `cloze:` on the front of a standard
 * note type ("'cloze:' can only be used on cloze note types") and requires it on a cloze type.
 */
export function looksLikeCloze(templates: ReadonlyArray<{ qfmt: string }>): boolean {
  return templates.some((t) => {
    try {
      return referencedFields(parseTemplate(t.qfmt), { clozeOnly: true }).size > 0;
    } catch (e) {
      if (e instanceof TemplateSyntaxError) return /\{\{[^}]*\bcloze:/.test(t.qfmt);
      throw e;
    }
  });
}

const modelTypeSchema = z.array(
  z.object({ type: z.number().int(), tmpls: z.array(z.object({ name: z.string(), qfmt: z.string(), afmt: z.string() })).optional() }),
);

export class NoteTypeCache {
  private readonly entries = new Map<string, Promise<PreviewNoteType | undefined>>();
  requests = 0;

  clear(): void {
    this.entries.clear();
  }

  /** The note type, or undefined when Anki has none of that name. Transport errors reject (and are not cached). */
  get(api: AnkiApi, name: string): Promise<PreviewNoteType | undefined> {
    let p = this.entries.get(name);
    if (!p) {
      p = this.load(api, name);
      this.entries.set(name, p);
      p.catch(() => this.entries.delete(name));
    }
    return p;
  }

  private async load(api: AnkiApi, name: string): Promise<PreviewNoteType | undefined> {
    const entries = [actions.modelTemplates(name), actions.modelStyling(name), actions.modelFieldNames(name)] as const;
    // findModelsByName (2024-01+) says whether it is a cloze type; older add-ons answer "unsupported action".
    const byName = { action: 'findModelsByName', params: { modelNames: [name] } };
    this.requests++;
    const outcomes = await api.multi([...entries, byName]);
    const [tmpls, styling, fields] = parseOutcomes(entries, outcomes.slice(0, entries.length));
    const found = outcomes[entries.length];
    const typed = found?.ok ? modelTypeSchema.safeParse(found.value) : undefined;
    if (!tmpls.ok || !styling.ok || !fields.ok) {
      const failed = [tmpls, styling, fields].find((o) => !o.ok);
      if (failed && !failed.ok && /model was not found/i.test(failed.error)) return undefined;
      if (failed && !failed.ok) throw failed.cause;
      return undefined;
    }
    // Template order = card ordinals. modelTemplates is a JSON object, whose integer-like keys ("1", "2") a JS
    // object reorders; findModelsByName's list keeps Anki's order when the add-on has it.
    const model = typed?.success ? typed.data[0] : undefined;
    const templates = model?.tmpls?.length
      ? model.tmpls.map((t) => ({ name: t.name, qfmt: t.qfmt, afmt: t.afmt }))
      : Object.entries(tmpls.value).map(([tname, t]) => ({ name: tname, qfmt: t.Front, afmt: t.Back }));
    const isCloze = model ? model.type === 1 : looksLikeCloze(templates);
    return { name, isCloze, templates, css: styling.value.css, fieldNames: fields.value };
  }
}
