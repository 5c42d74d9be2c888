import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isPageEvent, previewPageHtml } from '../../../src/preview/page';
import { rewriteCss, sanitizeCardHtml } from '../../../src/preview/sanitize';
import type { SanitizeOptions } from '../../../src/preview/sanitize';

const labels = { remote: 'Remote image not loaded:', missing: 'Missing media file:', loading: 'Loading' };
const media: Record<string, string | null> = { 'cat.png': 'data:image/png;base64,AAAA', 'gone.png': null };
const opts = (scripts = false): SanitizeOptions => ({ scripts, media: (n) => media[n], labels });

describe('sanitizeCardHtml', () => {
  it('removes scripts and inline handlers by default, keeps the rest byte for byte', () => {
    const r = sanitizeCardHtml('<b>x</b><script>alert(1)</script> <img src="cat.png" onerror="alert(2)" alt="a"> <div onclick=evil()>y</div>', opts());
    expect(r.html).toBe('<b>x</b> <img src="data:image/png;base64,AAAA" alt="a"> <div>y</div>');
  });
  it('keeps them when template scripts are allowed', () => {
    const r = sanitizeCardHtml('<script>go()</script><a class=hint href="#" onclick="f()">h</a>', opts(true));
    expect(r.html).toBe('<script>go()</script><a class="hint" href="#" onclick="f()">h</a>');
  });
  it('remote images become a placeholder and are reported, never fetched', () => {
    const r = sanitizeCardHtml('<img src="https://example.com/x.png"><img src=//cdn/y.gif>', opts());
    expect(r.blocked).toEqual(['https://example.com/x.png', '//cdn/y.gif']);
    expect(r.html).not.toContain('<img');
    expect(r.html).toContain('Remote image not loaded: https://example.com/x.png');
  });
  it('local media: data URI when fetched, "missing" when Anki has none, "loading" (and wanted) otherwise', () => {
    const r = sanitizeCardHtml('<img src="gone.png"><img src="new.jpg">', opts());
    expect(r.wanted).toEqual(['new.jpg']);
    expect(r.html).toContain('Missing media file: gone.png');
    expect(r.html).toContain('Loading new.jpg');
  });
  it('no iframes, objects, embeds, links, meta refresh, base; forms do not submit; links do not navigate', () => {
    const r = sanitizeCardHtml(
      '<iframe src="https://x"><p>in</p></iframe><object data="x.swf"><embed src=y></object><link rel=stylesheet href="https://x/a.css"><meta http-equiv="refresh" content="0;url=https://x"><base href="https://x/"><form action="https://x"><input name=q></form><a href="https://x">l</a><a href="javascript:alert(1)">j</a>',
      opts(),
    );
    expect(r.html).toBe('<div><input name="q"></div><a>l</a><a>j</a>');
  });
  it('CSS url(): media inlined, remote and @import dropped', () => {
    const sets = { wanted: new Set<string>(), blocked: new Set<string>() };
    const css = rewriteCss('@import url("https://x/a.css"); .a{background:url(cat.png)} .b{background:url("https://x/b.png")} @font-face{src:url(\'_f.woff2\')}', opts(), sets);
    expect(css).toBe(' .a{background:url("data:image/png;base64,AAAA")} .b{background:none} @font-face{src:none}');
    expect([...sets.wanted]).toEqual(['_f.woff2']);
    expect([...sets.blocked]).toEqual(['https://x/b.png']);
    expect(sanitizeCardHtml('<span style="background:url(https://x/y.png)">s</span>', opts()).html).toBe('<span style="background:none">s</span>');
  });
  it('attribute values cannot close raw-text elements (mXSS through <noscript>)', () => {
    const r = sanitizeCardHtml('<p title="</noscript><img src=x onerror=alert(1)>">t</p><noscript><img src=x onerror=alert(2)></noscript>', opts());
    expect(r.html).toBe('<p title="&lt;/noscript&gt;&lt;img src=x onerror=alert(1)&gt;">t</p>');
  });
  it('property: never throws; with scripts off no <script or on… attribute survives', () => {
    const piece = fc.constantFrom('<script>', '</script>', '<img src=x onerror=a()>', '<div onclick="b">', '</div>', 'text', '<', '>', '"', "'", '<svg onload=c()>', '<!--', '-->', '<style>', '</style>', '<iframe>', '<SCRIPT SRC=x>', '<a href=javascript:d()>');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const r = sanitizeCardHtml(parts.join(''), opts());
        // Read the output as a browser-like tokenizer does: no script/iframe element, no handler, no javascript: URL.
        const bad: string[] = [];
        const p = new Parser({
          onopentag(name, attribs) {
            if (name === 'script' || name === 'iframe') bad.push(name);
            for (const [k, v] of Object.entries(attribs)) if (k.startsWith('on') || /javascript:/i.test(v)) bad.push(`${name}[${k}]`);
          },
        });
        p.write(r.html);
        p.end();
        expect(bad).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('preview page', () => {
  it("CSP: nothing from the network; scripts only with the preview's nonce unless template scripts are allowed", () => {
    const csp = contentSecurityPolicy({ cspSource: 'https://res.example', nonce: 'N0', scripts: false });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-N0'");
    expect(csp).toContain('img-src https://res.example data:');
    expect(csp).toContain("form-action 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy({ cspSource: 'x', nonce: 'N0', scripts: true })).toContain("script-src 'unsafe-inline'");
  });
  it('every script of the page carries the nonce', () => {
    const html = previewPageHtml({ cspSource: 'x', nonce: 'N1', scripts: false, strings: { front: 'F', back: 'B', both: 'Both', night: 'N', nightAuto: 'A', nightOn: 'On', nightOff: 'Off', ankiRendering: 'AR', ankiRenderingTitle: 'T', notGenerated: 'NG', cards: 'C', side: 'S', empty: 'E' } });
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBe(2);
    for (const s of scripts) expect(s).toContain('nonce="N1"');
  });
  it('accepts only the known page events', () => {
    expect(isPageEvent({ type: 'select', ord: 2 })).toBe(true);
    expect(isPageEvent({ type: 'select', ord: -1 })).toBe(false);
    expect(isPageEvent({ type: 'side', side: 'x' })).toBe(false);
    expect(isPageEvent({ type: 'eval', code: '1' })).toBe(false);
  });
});
