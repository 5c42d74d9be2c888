/** Text helpers shared by the collection, the search engine and the actions (Anki's rules, re-implemented). */

/** ASCII-only lower-casing (SQLite LIKE is case-insensitive for ASCII letters only). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return ENTITIES[body.toLowerCase()] ?? m;
  });
}

/** Anki's strip_html_preserving_media_filenames: `<img src="a.png">` keeps ` a.png `, tags removed, entities decoded. */
export function stripHtmlPreservingMedia(html: string): string {
  const withMedia = html.replace(/<img[^>]*?src=["']?([^"'>\s]+)["']?[^>]*>/gi, ' $1 ');
  return stripHtml(withMedia);
}

/** Anki's strip_html: drop comments, style/script blocks and tags; decode entities. */
export function stripHtml(html: string): string {
  const noBlocks = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(noBlocks);
}

/** Anki's field_is_empty: only whitespace and <br>/<div> tags. */
export function fieldIsEmpty(html: string): boolean {
  return /^(?:\s|<\/?(?:br|div)\s*\/?>)*$/i.test(html);
}

/** Numbers of the clozes (`{{c1::…}}`) present in a field. */
export function clozeNumbers(text: string): Set<number> {
  const out = new Set<number>();
  for (const m of text.matchAll(/\{\{c(\d+)::/g)) {
    const n = Number(m[1]);
    if (n > 0) out.add(n);
  }
  return out;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Normalise one deck-name component the way Anki does. */
function normalizeDeckComponent(comp: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = comp.normalize('NFC').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return cleaned === '' ? 'blank' : cleaned;
}

/** Human deck name → Anki's normalised human name (`A::::B` → `A::blank::B`). */
export function normalizeDeckName(name: string): string {
  return name.split('::').map(normalizeDeckComponent).join('::');
}

/** Lower-case key used for case-insensitive deck lookup (Unicode-aware like Anki's unicase). */
export function deckKey(name: string): string {
  return normalizeDeckName(name).toLowerCase();
}

/** Case-insensitive ordering of deck names, parents before children. */
export function compareDeckNames(a: string, b: string): number {
  const pa = a.toLowerCase().split('::');
  const pb = b.toLowerCase().split('::');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Unicase-ish tag ordering. */
export function compareTags(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Normalise a tag like Anki: trim, no empty `::` components. Returns '' for an unusable tag. */
export function normalizeTag(tag: string): string {
  return tag
    .normalize('NFC')
    .trim()
    .split('::')
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .join('::');
}
