// Makes rendered card HTML safe for the preview webview, and points media at what the extension fetched.
// Pure: no `vscode`. HTML is read with htmlparser2; the source is copied verbatim except the tags changed.
import { Parser } from 'htmlparser2';

export interface SanitizeOptions {
  /** `ankiFiles.preview.enableScripts`: keep `<script>` and `on…` handlers (the webview's CSP still allows no network). */
  scripts: boolean;
  /** The data URI of a media file fetched from Anki; `null` when Anki has no such file; undefined when not fetched yet. */
  media(name: string): string | null | undefined;
  /** Placeholder texts (localised by the caller). */
  labels: { remote: string; missing: string; loading: string };
}

export interface SanitizeResult {
  html: string;
  /** Local media names referenced and not fetched yet. */
  wanted: string[];
  /** Remote URLs that were not loaded. */
  blocked: string[];
}

/** Elements removed with their content, always. */
const DROP_WITH_CONTENT = new Set(['iframe', 'object', 'applet', 'frameset', 'frame', 'noembed', 'noscript', 'noframes', 'xmp', 'plaintext', 'portal', 'fencedframe']);
/** Elements removed (no content of their own). */
const DROP_TAG = new Set(['embed', 'base', 'meta', 'link', 'param']);
/** Attributes that would load or navigate somewhere. */
const DROP_ATTRS = new Set(['srcset', 'action', 'formaction', 'ping', 'poster', 'background', 'lowsrc', 'dynsrc', 'manifest', 'xlink:href', 'codebase', 'data', 'archive']);
const MEDIA_ELEMENTS = new Set(['audio', 'video', 'source', 'track']);

// `<` and `>` too: a browser may read raw-text elements differently from htmlparser2 (e.g. `<noscript>`),
// and an attribute value must never be able to close one.
const escapeAttr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeText = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A URL with a scheme or `//`: not a file of Anki's media folder. `data:` images are kept as they are. */
export function isRemoteRef(ref: string): boolean {
  const r = ref.trim();
  return r.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(r);
}

const isDataImage = (ref: string): boolean => /^data:(image|font)\//i.test(ref.trim()) || /^data:application\/(font|x-font)/i.test(ref.trim());

function placeholder(kind: 'remote' | 'missing' | 'loading', what: string, opts: SanitizeOptions): string {
  return `<span class="anki-files-placeholder anki-files-${kind}" title="${escapeAttr(what)}">${escapeText(`${opts.labels[kind]} ${what}`)}</span>`;
}

/**
 * Rewrites `url(…)` in CSS: media names become data URIs; remote URLs and unknown files become `none`;
 * `@import` is removed (the CSP would block it anyway).
 */
export function rewriteCss(css: string, opts: SanitizeOptions, out: { wanted: Set<string>; blocked: Set<string> }): string {
  const noImport = css.replace(/@import\s+[^;]+;?/gi, '');
  return noImport.replace(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*?))\s*\)/gi, (whole, d?: string, s?: string, u?: string) => {
    const ref = (d ?? s ?? u ?? '').trim();
    if (ref === '' || isDataImage(ref)) return whole;
    if (isRemoteRef(ref)) {
      out.blocked.add(ref);
      return 'none';
    }
    const uri = opts.media(ref);
    if (uri === undefined) out.wanted.add(ref);
    return uri ? `url("${uri}")` : 'none';
  });
}

export function sanitizeCardHtml(source: string, opts: SanitizeOptions): SanitizeResult {
  const wanted = new Set<string>();
  const blocked = new Set<string>();
  const sets = { wanted, blocked };
  let out = '';
  let cursor = 0;
  let dropping: { name: string; depth: number } | undefined;
  let styleStart = -1;

  const copyTo = (end: number): void => {
    if (!dropping && end > cursor) out += source.slice(cursor, end);
    cursor = Math.max(cursor, end);
  };

  const buildTag = (name: string, attribs: Record<string, string>, selfClosing: boolean): string => {
    let tag = `<${name}`;
    for (const [k, v] of Object.entries(attribs)) {
      const key = k.toLowerCase();
      if (!opts.scripts && key.startsWith('on')) continue;
      if (DROP_ATTRS.has(key)) continue;
      let value = v;
      if (key === 'href') {
        // In-page anchors only (Anki's hint links use "#"); anything else would navigate or open a browser.
        if (!value.trim().startsWith('#')) continue;
      } else if (key === 'src') {
        if (MEDIA_ELEMENTS.has(name)) continue;
        if (/^\s*javascript:/i.test(value)) continue;
      } else if (key === 'style') {
        value = rewriteCss(value, opts, sets);
      } else if (/^\s*javascript:/i.test(value)) {
        continue;
      }
      tag += value === '' && !(k in { alt: 1, value: 1 }) ? ` ${k}` : ` ${k}="${escapeAttr(value)}"`;
    }
    return `${tag}${selfClosing ? ' /' : ''}>`;
  };

  const parser = new Parser(
    {
      onopentag(name, attribs, isImplied) {
        if (isImplied) return;
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        if (dropping) {
          if (name === dropping.name) dropping.depth++;
          cursor = end;
          return;
        }
        copyTo(start);
        // A tag inside <style>: it is not raw text here (SVG/MathML content); read it as markup.
        styleStart = -1;
        const selfClosing = source.slice(start, end).endsWith('/>');
        if (DROP_WITH_CONTENT.has(name) || (!opts.scripts && name === 'script')) {
          dropping = { name, depth: 1 };
          cursor = end;
          return;
        }
        if (DROP_TAG.has(name)) {
          cursor = end;
          return;
        }
        if (name === 'img' || (name === 'input' && (attribs.type ?? '').toLowerCase() === 'image') || name === 'image') {
          const ref = (attribs.src ?? attribs.href ?? '').trim();
          if (ref !== '' && !isDataImage(ref)) {
            if (isRemoteRef(ref)) {
              blocked.add(ref);
              out += placeholder('remote', ref, opts);
              cursor = end;
              return;
            }
            const uri = opts.media(ref);
            if (uri === undefined) wanted.add(ref);
            if (!uri) {
              out += placeholder(uri === null ? 'missing' : 'loading', ref, opts);
              cursor = end;
              return;
            }
            const { src: _s, href: _h, ...rest } = attribs;
            out += buildTag(name, { src: uri, ...rest }, selfClosing);
            cursor = end;
            return;
          }
        }
        // Forms never submit: a form is shown as a plain block.
        out += buildTag(name === 'form' ? 'div' : name, attribs, selfClosing);
        cursor = end;
        if (name === 'style') styleStart = end;
      },
      onclosetag(name, isImplied) {
        if (isImplied) return;
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        if (dropping) {
          if (name === dropping.name && --dropping.depth === 0) dropping = undefined;
          cursor = end;
          return;
        }
        if (name === 'style' && styleStart >= 0) {
          out += rewriteCss(source.slice(styleStart, start), opts, sets);
          cursor = start;
          styleStart = -1;
        }
        if (name === 'form' || DROP_TAG.has(name)) {
          copyTo(start);
          if (name === 'form') out += '</div>';
          cursor = end;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(source);
  parser.end();
  if (styleStart >= 0) {
    out += rewriteCss(source.slice(styleStart), opts, sets);
    cursor = source.length;
  }
  copyTo(source.length);
  return { html: out, wanted: [...wanted], blocked: [...blocked] };
}
