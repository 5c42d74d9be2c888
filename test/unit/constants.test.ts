// package.json and src/constants.ts must agree (both directions), and every %key% must have an nls string.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Commands, ContextKeys, INTERNAL_COMMANDS, SettingDefaults, Settings, VIEW_CONTAINER, Views } from '../../src/constants';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  activationEvents: string[];
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    views: Record<string, Array<{ id: string; name: string; when?: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    viewsWelcome: Array<{ view: string; contents: string; when: string }>;
    configuration: { properties: Record<string, { scope?: string; default?: unknown }> };
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
};
const nls = JSON.parse(readFileSync(new URL('package.nls.json', root), 'utf8')) as Record<string, string>;
const c = manifest.contributes;
const manifestRaw = manifest as unknown as {
  extensionKind?: string[];
  contributes: { configurationDefaults?: Record<string, Record<string, unknown>> };
};

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

describe('package.json ↔ src/constants.ts', () => {
  it('commands match both ways, all in category "Anki"', () => {
    expect(sorted(c.commands.map((x) => x.command))).toEqual(sorted(Object.values(Commands)));
    for (const cmd of c.commands) expect(cmd.category, cmd.command).toBe('Anki');
  });

  it('views and the container match both ways', () => {
    expect(sorted(Object.values(c.views).flat().map((v) => v.id))).toEqual(sorted(Object.values(Views)));
    expect(Object.keys(c.views)).toEqual([VIEW_CONTAINER]);
    expect(c.viewsContainers.activitybar.map((x) => x.id)).toEqual([VIEW_CONTAINER]);
  });

  it('runs where Anki is: on the user\'s machine (UI side) under Remote-SSH, WSL, dev containers, Codespaces', () => {
    expect(manifestRaw.extensionKind).toEqual(['ui', 'workspace']);
  });

  it('note documents (language anki-note) wrap long lines by default: fields are long single lines', () => {
    expect(manifestRaw.contributes.configurationDefaults?.['[anki-note]']).toEqual({ 'editor.wordWrap': 'on' });
  });

  it('context-menu items are shown only on our own views\' items', () => {
    for (const m of c.menus['view/item/context'] ?? []) {
      expect(m.when ?? '', m.command).toMatch(/^view == ankiFiles\.\w+ &&|^view =~ \/\^ankiFiles\\\.\/ &&/);
    }
  });

  it('every context-menu item is shown only on our views or our documents', () => {
    const menus = c.menus as Record<string, Array<{ command: string; when?: string }>>;
    const ours = /^(view == ankiFiles\.\w+|view =~ \/\^ankiFiles\\\.\/)( &&|$)/;
    for (const [where, items] of Object.entries(menus)) {
      for (const m of items) {
        const when = m.when ?? '';
        if (where.startsWith('view/')) expect(when, `${where} ${m.command}`).toMatch(ours);
        else if (where.startsWith('editor/') || where.startsWith('explorer/')) expect(when, `${where} ${m.command}`).toMatch(/^resourceScheme == anki( &&|$)/);
        else if (where === 'commandPalette') continue; // the palette is not a context menu: any of our commands may be in it
        else throw new Error(`menu ${where} is not checked by this test: add its rule`);
      }
    }
  });

  it('every image the README shows is shipped in the VSIX (.vscodeignore allowlist), so the extension page is not broken', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const allow = readFileSync(new URL('.vscodeignore', root), 'utf8').split('\n').map((l) => l.trim());
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '').filter((u) => !/^https?:/.test(u));
    expect(images.length).toBeGreaterThan(0);
    for (const img of images) expect(allow, img).toContain(`!${img}`);
  });

  it('the rejected-key welcome view offers Set API Key, Clear API Key (the fix when Anki has no key) and Retry', () => {
    const w = c.viewsWelcome.find((x) => x.when === 'ankiFiles.connection == apiKey')!;
    const text = nls[w.contents.replace(/%/g, '')] ?? '';
    for (const id of [Commands.setApiKey, Commands.clearApiKey, Commands.retryConnection]) expect(text).toContain(`(command:${id})`);
  });

  it('every setting\'s default in package.json is the one the code uses (SettingDefaults)', () => {
    for (const [k, id] of Object.entries(Settings)) {
      if (k === 'section') continue;
      expect(c.configuration.properties[id]?.default, id).toEqual(SettingDefaults[k as keyof typeof SettingDefaults]);
    }
  });

  it('settings match both ways; the URL and timeout cannot be set by a workspace', () => {
    const settingIds = Object.entries(Settings)
      .filter(([k]) => k !== 'section')
      .map(([, v]) => v);
    expect(sorted(Object.keys(c.configuration.properties))).toEqual(sorted(settingIds));
    expect(c.configuration.properties[Settings.url]?.scope).toBe('machine');
    expect(c.configuration.properties[Settings.requestTimeout]?.scope).toBe('machine');
  });

  it('menus and welcome views only name known commands, views and context keys', () => {
    const known = new Set<string>(Object.values(Commands));
    for (const [menu, entries] of Object.entries(c.menus)) {
      for (const e of entries) expect(known.has(e.command), `${menu}: ${e.command}`).toBe(true);
    }
    for (const w of c.viewsWelcome) {
      expect(Object.values(Views)).toContain(w.view);
      expect(w.when.startsWith(`${ContextKeys.connection} == `)).toBe(true);
      for (const m of w.contents.matchAll(/command:([\w.]+)/g)) expect(known.has(m[1]!), m[1]).toBe(true);
    }
    expect(c.views[VIEW_CONTAINER]!.find((v) => v.id === Views.searchResults)?.when).toBe(ContextKeys.hasSearchResults);
  });

  it('internal commands are hidden from the palette', () => {
    const palette = new Map(c.menus.commandPalette!.map((e) => [e.command, e.when]));
    for (const id of INTERNAL_COMMANDS) expect(palette.get(id), id).toBe('false');
  });

  it('every %key% has an nls string and every nls string is used', () => {
    const text = readFileSync(new URL('package.json', root), 'utf8');
    const used = new Set([...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(0);
    for (const k of used) expect(nls[k], k).toBeTypeOf('string');
    for (const k of Object.keys(nls)) expect(used.has(k), `unused nls key ${k}`).toBe(true);
  });

  it('activates on the anki: file system and ships its icons', () => {
    expect(manifest.activationEvents).toContain('onFileSystem:anki');
    const icon = c.viewsContainers.activitybar[0]!.icon;
    expect(() => readFileSync(new URL(icon, root))).not.toThrow();
    expect(() => readFileSync(new URL('media/icon.png', root))).not.toThrow();
  });
});
