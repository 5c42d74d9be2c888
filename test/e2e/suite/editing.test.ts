// Editing help in the real VS Code: problems as you type (read with languages.getDiagnostics, no save),
// quick fixes, completion and hover through VS Code's own execute…Provider commands, the anki-note language,
// and the request budget while typing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { afterEdit, whenDiagnostics } from './diagnostics';
import { activateExtension, anki, closeAllEditors, control, findNotes, findNoteUri, notesInfo, stats, waitFor, type NoteInfo } from './helpers';

const SOURCE = 'Anki';
const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
/** Waits (by VS Code's diagnostics change event) until our diagnostics of `doc` satisfy `probe`. */
const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
const whenOurs = <T>(doc: vscode.TextDocument, probe: (ds: vscode.Diagnostic[]) => T | undefined | false, what: string): Promise<T> =>
  whenDiagnostics(doc.uri, (all) => probe(all.filter((d) => d.source === SOURCE)), what);

interface Parts {
  id?: string;
  deck: string;
  noteType: string;
  tags: string[] | string;
  fields: Array<[string, string]>;
}

/** A note document written by the test (values double-quoted, so any text is exact YAML). */
function docText(p: Parts): string {
  const tags = typeof p.tags === 'string' ? p.tags : `[${p.tags.map((t) => JSON.stringify(t)).join(', ')}]`;
  return [
    ...(p.id !== undefined ? [`id: ${p.id}`] : []),
    `deck: ${JSON.stringify(p.deck)}`,
    `noteType: ${p.noteType}`,
    `tags: ${tags}`,
    'fields:',
    ...p.fields.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    '',
  ].join('\n');
}

async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'workspace edit not applied');
}

/** Sets the text, then waits for the first diagnostics of the new version that satisfy `probe`. */
function setTextThen<T>(doc: vscode.TextDocument, text: string, probe: (ds: vscode.Diagnostic[]) => T | undefined | false, what: string): Promise<T> {
  return afterEdit(doc.uri, () => setText(doc, text), (all) => probe(all.filter((d) => d.source === SOURCE)), what);
}

/** Sets the text and returns the diagnostic with `code` that the new version gets, with the text it covers. */
async function diagnosticOf(doc: vscode.TextDocument, text: string, code: string): Promise<{ d: vscode.Diagnostic; text: string }> {
  const d = await setTextThen(doc, text, (ds) => ds.find((x) => codeOf(x) === code), `a "${code}" diagnostic on ${doc.uri.path}`);
  return { d, text: doc.getText(d.range) };
}

/** Waits for a diagnostic with `code` on `uri` and returns it with the text it covers. */
async function diagnostic(doc: vscode.TextDocument, code: string): Promise<{ d: vscode.Diagnostic; text: string }> {
  const d = await whenOurs(doc, (ds) => ds.find((x) => codeOf(x) === code), `a "${code}" diagnostic on ${doc.uri.path}`);
  return { d, text: doc.getText(d.range) };
}

const firstField = (n: NoteInfo): [string, string] => {
  const [name, f] = Object.entries(n.fields).sort((a, b) => a[1].order - b[1].order)[0] ?? ['', { value: '', order: 0 }];
  return [name, f.value];
};

describe('editing help: problems as you type, quick fixes, completion, hover', function () {
  this.timeout(120000);
  let basic: NoteInfo;
  let other: NoteInfo;
  let third: NoteInfo;
  let fourth: NoteInfo;
  let clozeNote: NoteInfo;
  let basicDoc: vscode.TextDocument;
  let basicDeck: string;
  let base: Parts;

  before(async () => {
    await activateExtension();
    // Earlier suites may have changed the collection (media, tags): Refresh reloads the editing help's facts.
    await vscode.commands.executeCommand('ankiFiles.refresh');
    const ids = await findNotes('note:Basic "deck:Japanese::JLPT N3::Kanji"');
    const infos = await notesInfo(ids.slice(0, 40));
    const picked = infos.filter((n) => n.tags.length >= 2);
    assert.ok(picked.length >= 4, 'the sample collection has Basic kanji notes');
    basic = picked[0] as NoteInfo;
    other = picked[1] as NoteInfo;
    third = picked[2] as NoteInfo;
    fourth = picked[3] as NoteInfo;
    const clozeIds = await findNotes('note:Cloze');
    clozeNote = (await notesInfo(clozeIds.slice(0, 1)))[0] as NoteInfo;
    basicDoc = await vscode.workspace.openTextDocument(await findNoteUri(basic.noteId));
    await vscode.window.showTextDocument(basicDoc, { preview: false });
    const deckLine = /^deck: (.*)$/m.exec(basicDoc.getText());
    basicDeck = deckLine?.[1] ?? '';
    base = { id: String(basic.noteId), deck: basicDeck, noteType: 'Basic', tags: basic.tags, fields: Object.entries(basic.fields).sort((a, b) => a[1].order - b[1].order).map(([k, f]) => [k, f.value]) };
  });
  after(async () => {
    await closeAllEditors();
  });

  it('note documents open in the anki-note language; the note as opened has no problems', async () => {
    await waitFor(() => basicDoc.languageId === 'anki-note', 'the anki-note language on the note document');
    assert.equal(basicDoc.isDirty, false);
    // Our own rendering of the same note: still nothing to report once the checks have run.
    await setText(basicDoc, docText(base));
    await setTextThen(basicDoc, docText({ ...base, fields: [['Front', 'x'], base.fields[1] as [string, string]] }), (ds) => ds.length === 0, 'no problems');
    assert.ok(basicDoc.getText().includes('Front: "x"'));
  });

  it('each problem appears with its code, severity and exact range, without saving', async () => {
    const [front, back] = base.fields as [[string, string], [string, string]];
    const cases: Array<{ parts: Parts | string; code: string; severity: vscode.DiagnosticSeverity; text: string; message?: RegExp }> = [
      { parts: docText(base).replace('noteType: Basic', 'noteType: Cloze'), code: 'noteTypeChanged', severity: vscode.DiagnosticSeverity.Error, text: 'Cloze', message: /^The note type is read-only here: set it back to "Basic"/ },
      { parts: docText(base).replace(`id: ${basic.noteId}`, 'id: 1'), code: 'idChanged', severity: vscode.DiagnosticSeverity.Error, text: '1' },
      { parts: docText(base).replace('deck: ', 'deck: [oops '), code: 'yaml', severity: vscode.DiagnosticSeverity.Error, text: '' },
      { parts: docText(base).replace('  Back:', '  Bakc:'), code: 'unknownField', severity: vscode.DiagnosticSeverity.Error, text: 'Bakc', message: /Did you mean "Back"\?/ },
      { parts: docText(base).replace(/\n {2}Back: .*\n/, '\n'), code: 'missingField', severity: vscode.DiagnosticSeverity.Error, text: 'fields' },
      { parts: { ...base, tags: ['kanji', 'jlpt n3'] }, code: 'tagHasSpace', severity: vscode.DiagnosticSeverity.Error, text: '"jlpt n3"' },
      { parts: { ...base, tags: ['kanji', 'Kanji'] }, code: 'duplicateTag', severity: vscode.DiagnosticSeverity.Error, text: '"Kanji"' },
      { parts: { ...base, tags: ['kanji', ''] }, code: 'emptyTag', severity: vscode.DiagnosticSeverity.Error, text: '""' },
      { parts: { ...base, deck: 'Japanese::::N3' }, code: 'badDeck', severity: vscode.DiagnosticSeverity.Error, text: '"Japanese::::N3"' },
      { parts: { ...base, deck: 'Brand New Deck' }, code: 'newDeck', severity: vscode.DiagnosticSeverity.Information, text: '"Brand New Deck"' },
      { parts: { ...base, fields: [['Front', '<br>'], back] }, code: 'emptyFirstField', severity: vscode.DiagnosticSeverity.Warning, text: 'Front: "<br>"' },
      { parts: { ...base, fields: [['Front', 'a {{c1::b}}'], back] }, code: 'clozeInNonCloze', severity: vscode.DiagnosticSeverity.Warning, text: '{{c1::' },
      { parts: { ...base, fields: [['Front', 'a {{c1:b}}'], back] }, code: 'malformedCloze', severity: vscode.DiagnosticSeverity.Warning, text: '{{c1:' },
      { parts: { ...base, fields: [front, ['Back', 'x <b>bold']] }, code: 'unclosedElement', severity: vscode.DiagnosticSeverity.Warning, text: '<b>' },
      { parts: { ...base, fields: [front, ['Back', 'x</i> y']] }, code: 'strayEndTag', severity: vscode.DiagnosticSeverity.Warning, text: '</i>' },
      { parts: { ...base, fields: [front, ['Back', '<b><i>x</b></i>']] }, code: 'unclosedElement', severity: vscode.DiagnosticSeverity.Warning, text: '<i>' },
      { parts: { ...base, fields: [front, ['Back', 'see <img src="no-such-file.png">']] }, code: 'missingMedia', severity: vscode.DiagnosticSeverity.Warning, text: 'no-such-file.png' },
    ];
    for (const c of cases) {
      const text = typeof c.parts === 'string' ? c.parts : docText(c.parts);
      const { d, text: covered } = await diagnosticOf(basicDoc, text, c.code);
      assert.equal(d.severity, c.severity, `${c.code}: severity`);
      if (c.code !== 'yaml') assert.equal(covered, c.text, `${c.code}: range`);
      if (c.message) assert.match(d.message, c.message);
      assert.equal(basicDoc.getText(), text, 'the text is what the test wrote');
      // back to a clean document: the problem disappears
      await setTextThen(basicDoc, docText(base), (ds) => !ds.some((x) => codeOf(x) === c.code), `"${c.code}" to disappear`);
    }
    assert.ok(basicDoc.isDirty, 'nothing was saved');
  });

  it('a Cloze note without any deletion is reported', async () => {
    const doc = await vscode.workspace.openTextDocument(await findNoteUri(clozeNote.noteId));
    await vscode.window.showTextDocument(doc, { preview: false });
    const [, text] = firstField(clozeNote);
    const edited = doc.getText().replace(/\{\{c(\d+)::/g, '').replace(/\}\}/g, '');
    assert.notEqual(edited, doc.getText(), `the cloze note has deletions: ${text}`);
    const { d } = await diagnosticOf(doc, edited, 'noCloze');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a duplicate first field is found with one request after the pause in typing, with a link to the other note', async () => {
    await vscode.window.showTextDocument(basicDoc, { preview: false });
    const back = base.fields[1] as [string, string];
    // Start from a first field known to be a duplicate (of a third note): its diagnostic shows only once that check
    // has answered, so nothing of the setup is in flight when counting starts.
    const [, thirdValue] = firstField(third);
    await setTextThen(basicDoc, docText({ ...base, fields: [['Front', thirdValue], back] }), (ds) => ds.some((x) => codeOf(x) === 'duplicateNote' && basicDoc.getText(x.range).includes(JSON.stringify(thirdValue))), 'the setup duplicate');
    await control('resetStats');
    const [, dupValue] = firstField(other);
    // typed quickly: each keystroke is an edit; only a pause in typing asks Anki
    // A pause is a gap between two of the document's change events (what the editing help's debounce sees) longer
    // than 250 ms: on a loaded machine an edit itself can take that long.
    const changes: number[] = [];
    let d: vscode.Diagnostic;
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === basicDoc && e.contentChanges.length > 0) changes.push(Date.now());
    });
    try {
      for (let i = 1; i < dupValue.length; i++) await setText(basicDoc, docText({ ...base, fields: [['Front', dupValue.slice(0, i)], back] }));
      // the last keystroke; then the diagnostics of that version (an earlier version's may fit the new text too)
      d = await setTextThen(
        basicDoc,
        docText({ ...base, fields: [['Front', dupValue], back] }),
        (ds) => ds.find((x) => codeOf(x) === 'duplicateNote' && basicDoc.getText(x.range) === `Front: ${JSON.stringify(dupValue)}`),
        'the duplicate diagnostic of the typed first field',
      );
    } finally {
      sub.dispose();
    }
    const pauses = 1 + changes.slice(1).filter((t, i) => t - (changes[i] ?? t) > 250).length;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    // Only the editing help's duplicate searches count (the Decks view may follow the editor meanwhile).
    const log = (await control('stats')) as { log: Array<{ action: string; query?: string }> };
    const checks = log.log.filter((e) => e.action === 'findNotes' && e.query?.startsWith('"dupe:')).length;
    // at most one duplicate search per pause (an answer the session already has may come without a request)
    assert.ok(checks <= pauses, `duplicate checks: ${checks} for ${pauses} pause(s) in typing: ${JSON.stringify(log.log)}`);
    assert.ok(typeof d.code === 'object' && d.code.target.scheme === 'command', 'the code links to the other note');
    // the quick fix comes from the lint of the document's current version, asked once
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', basicDoc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const open = actions.find((a) => a.command?.command === 'ankiFiles.openNoteById');
    assert.ok(open, `the "Open the other note" quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.deepEqual(open.command?.arguments, [other.noteId]);
  });

  it("a quick fix asked while the duplicate search is still out waits for that version's answer", async () => {
    const back = base.fields[1] as [string, string];
    const [, value] = firstField(fourth);
    // Anki answers slowly: the code actions are asked as soon as the pause in typing has sent the question (seen in
    // the test server's log, which records a request when it arrives, before the delayed reply).
    await control('resetStats');
    await control('delayNext', { n: 3, ms: 1500 });
    const text = docText({ ...base, fields: [['Front', value], back] });
    try {
      await setText(basicDoc, text);
      await waitFor(async () => ((await control('stats')) as { log: Array<{ action: string; query?: string }> }).log.some((e) => e.action === 'findNotes' && e.query?.startsWith('"dupe:')), 'the duplicate search of the pause in typing');
    } finally {
      await control('clearFaults');
    }
    const front = new vscode.Range(basicDoc.positionAt(text.indexOf('  Front:') + 2), basicDoc.positionAt(text.indexOf('\n', text.indexOf('  Front:'))));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', basicDoc.uri, front, vscode.CodeActionKind.QuickFix.value);
    const open = actions.filter((a) => a.command?.command === 'ankiFiles.openNoteById');
    assert.ok(open.some((a) => JSON.stringify(a.command?.arguments) === JSON.stringify([fourth.noteId])), `"Open the other note (${fourth.noteId})" among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(ours(basicDoc.uri).some((x) => codeOf(x) === 'duplicateNote'), 'and the diagnostic is there');
  });

  it('typing 20 edits costs no request beyond the cache', async () => {
    const [, [backName, backValue]] = base.fields as [[string, string], [string, string]];
    // The window's focus check (its own requests) may run at any time: a run during which the window's focus
    // changed is measured again.
    // The first field is a known duplicate: its diagnostic appears only once the duplicate check has answered,
    // so nothing of the setup is still in flight when counting starts; the edits keep that first field.
    const dupFront: [string, string] = ['Front', firstField(other)[1]];
    for (let attempt = 1; ; attempt++) {
      await setText(basicDoc, docText({ ...base, fields: [dupFront, [backName, backValue]] }));
      await diagnostic(basicDoc, 'duplicateNote');
      await control('resetStats');
      let focusChanged = false;
      const sub = vscode.window.onDidChangeWindowState(() => {
        focusChanged = true;
      });
      try {
        for (let i = 1; i <= 19; i++) await setText(basicDoc, docText({ ...base, fields: [dupFront, [backName, backValue + ' typed'.slice(0, 1 + (i % 6)) + i]] }));
        await setTextThen(basicDoc, docText({ ...base, tags: [...base.tags, 'new one'], fields: [dupFront, [backName, backValue + ' <u>done']] }), (ds) => ['unclosedElement', 'tagHasSpace'].every((c) => ds.some((x) => codeOf(x) === c)), 'the unclosedElement and tagHasSpace diagnostics');
      } finally {
        sub.dispose();
      }
      const s = await stats();
      if (focusChanged && attempt < 3) continue;
      assert.equal(focusChanged, false, 'the window focus kept changing');
      assert.equal(s.requests, 0, `requests while typing: ${JSON.stringify(s.actions)}`);
      break;
    }
  });

  it('quick fixes: rename an unknown field, split or join a tag, close an element; each makes its diagnostic disappear', async () => {
    const fixes: Array<{ parts: string; code: string; title: RegExp; expect: RegExp }> = [
      { parts: docText(base).replace('  Back:', '  Bakc:'), code: 'unknownField', title: /^Rename "Bakc" to "Back"$/, expect: /\n {2}Back: / },
      { parts: docText({ ...base, tags: ['kanji', 'jlpt n3'] }), code: 'tagHasSpace', title: /^Split "jlpt n3"/, expect: /tags: \["kanji", jlpt, n3\]/ },
      { parts: docText({ ...base, tags: ['kanji', 'jlpt n3'] }), code: 'tagHasSpace', title: /^Join the words: "jlpt_n3"$/, expect: /tags: \["kanji", jlpt_n3\]/ },
      { parts: docText({ ...base, fields: [base.fields[0] as [string, string], ['Back', 'x <b>bold']] }), code: 'unclosedElement', title: /^Close <b>$/, expect: /Back: "x <b>bold<\/b>"/ },
      { parts: docText({ ...base, fields: [base.fields[0] as [string, string], ['Back', 'x</i> y']] }), code: 'strayEndTag', title: /^Remove <\/i>$/, expect: /Back: "x y"/ },
    ];
    for (const f of fixes) {
      const { d } = await diagnosticOf(basicDoc, f.parts, f.code);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', basicDoc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      const action = actions.find((a) => f.title.test(a.title));
      assert.ok(action?.edit, `a quick fix matching ${String(f.title)} among ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
      const fix = action.edit;
      await afterEdit(basicDoc.uri, async () => assert.ok(await vscode.workspace.applyEdit(fix)), (ds) => !ds.some((x) => x.source === SOURCE && codeOf(x) === f.code), `"${f.code}" to disappear after the fix`);
      assert.match(basicDoc.getText(), f.expect);
    }
  });

  it('completion: decks after deck:, tags inside tags: [], missing field names under fields:, media names in src="', async () => {
    // Items of our provider (by kind: word-based suggestions of the editor come as Text)
    const complete = async (text: string, marker: string, kind: vscode.CompletionItemKind): Promise<string[]> => {
      const at = text.indexOf(marker);
      assert.ok(at >= 0, marker);
      const clean = text.replace(marker, '');
      await setText(basicDoc, clean);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', basicDoc.uri, basicDoc.positionAt(at));
      return list.items.filter((i) => i.kind === kind).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    };
    const decks = (await anki('deckNames')) as string[];
    const deckItems = await complete(docText(base).replace(`deck: ${JSON.stringify(basicDeck)}`, 'deck: Jap§'), '§', vscode.CompletionItemKind.Folder);
    for (const d of decks) assert.ok(deckItems.includes(d), `deck ${d} offered`);
    const tags = (await anki('getTags')) as string[];
    const tagItems = await complete(docText({ ...base, tags: '[kanji, jl§]' }), '§', vscode.CompletionItemKind.Keyword);
    for (const t of tags.filter((x) => x.toLowerCase() !== 'kanji')) assert.ok(tagItems.includes(t), `tag ${t} offered`);
    assert.ok(!tagItems.includes('kanji'), 'a tag already present is not offered');
    const fieldItems = await complete(docText(base).replace(/\n {2}Back: .*\n/, '\n  §\n'), '§', vscode.CompletionItemKind.Field);
    assert.deepEqual(fieldItems, ['Back']);
    const media = (await anki('getMediaFilesNames', { pattern: '*' })) as string[];
    assert.ok(media.length > 0, 'the sample collection has media');
    const mediaItems = await complete(docText(base).replace('  Back: "', '  Back: "<img src=\\"§'), '§', vscode.CompletionItemKind.File);
    assert.deepEqual([...mediaItems].sort(), [...media].sort());
  });

  it('hover: notes per tag, the deck\'s note count, a media file\'s size and image', async () => {
    const hoverAt = async (text: string, needle: string): Promise<string> => {
      await setText(basicDoc, text);
      const at = text.indexOf(needle) + 1;
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', basicDoc.uri, basicDoc.positionAt(at));
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    };
    const tag = base.tags[0] as string;
    const tagCount = (await findNotes(`"tag:${tag}"`)).length;
    assert.ok(tagCount > 0);
    assert.match(await hoverAt(docText(base), JSON.stringify(tag)), new RegExp(`: ${tagCount} notes`));
    const deckCount = (await findNotes(`"deck:${basicDeck}"`)).length;
    assert.match(await hoverAt(docText(base), `deck: ${JSON.stringify(basicDeck)}`.slice(6)), new RegExp(`: ${deckCount} notes`));
    const [image] = (await anki('getMediaFilesNames', { pattern: '*.png' })) as string[];
    assert.ok(image);
    const bytes = Buffer.from((await anki('retrieveMediaFile', { filename: image })) as string, 'base64').length;
    const md = await hoverAt(docText({ ...base, fields: [base.fields[0] as [string, string], ['Back', `<img src="${image}">`]] }), image);
    assert.match(md, new RegExp(`: ${bytes} bytes`));
    assert.match(md, /\]\(data:image\/png;base64,/);
  });

  it('a language change keeps the unsaved text, the dirty state and the save path', async () => {
    const text = docText({ ...base, fields: [base.fields[0] as [string, string], ['Back', 'saved after a language change']] });
    await setText(basicDoc, text);
    let doc = await vscode.languages.setTextDocumentLanguage(basicDoc, 'yaml');
    doc = await vscode.languages.setTextDocumentLanguage(doc, 'anki-note');
    assert.equal(doc.isDirty, true);
    assert.equal(doc.getText(), text);
    assert.ok(await doc.save(), 'saved');
    const [after] = await notesInfo([basic.noteId]);
    assert.equal(after?.fields.Back?.value, 'saved after a language change');
    await whenOurs(doc, (ds) => ds.length === 0, 'no problems after saving');
  });

  it('Check Notes over a query: { notes, problems } at ⌈N/5000⌉ + 2 requests, listed in the Problems panel on the notes\' URIs', async () => {
    await closeAllEditors();
    const query = '"deck:Japanese::JLPT N3::Vocabulary"';
    const ids = await findNotes(query);
    // warm the cache first (it is counted separately: 2 requests once)
    await vscode.commands.executeCommand('ankiFiles.checkNotes', { query: 'nid:0' });
    await control('resetStats');
    const r = await vscode.commands.executeCommand<{ notes: number; problems: Array<{ noteId: number; uri: string; code: string; severity: string; line: number; character: number }> }>('ankiFiles.checkNotes', { query });
    // The check's own requests: its findNotes of the query, notesInfo, getDecks (a view refreshing after the
    // previous test's save may run meanwhile: its requests are not the check's).
    const log = ((await control('stats')) as { log: Array<{ action: string; query?: string; subActions?: string[] }> }).log;
    const own = log.filter((e) => (e.action === 'findNotes' && e.query === query) || e.action === 'notesInfo' || e.action === 'getDecks');
    assert.equal(r.notes, ids.length);
    assert.equal(own.length, Math.ceil(ids.length / 5000) + 2, JSON.stringify(log));
    assert.deepEqual(own.map((e) => e.action), ['findNotes', ...Array.from({ length: Math.ceil(ids.length / 5000) }, () => 'notesInfo'), 'getDecks']);
    assert.ok(log.every((e) => !(e.subActions ?? [e.action]).some((a) => /^(update|add|delete|change|store)/.test(a))), 'nothing written');
    const media = new Set((await anki('getMediaFilesNames', { pattern: '*' })) as string[]);
    const infos = await notesInfo(ids);
    const expected = infos.filter((n) => Object.values(n.fields).some((f) => [...f.value.matchAll(/\[sound:([^\]]+)\]/g)].some((m) => !media.has(m[1] as string))));
    assert.ok(expected.length > 0, 'the sample collection has notes with missing sounds');
    const withMissing = new Set(r.problems.filter((p) => p.code === 'missingMedia').map((p) => p.noteId));
    assert.deepEqual([...withMissing].sort(), expected.map((n) => n.noteId).sort());
    const p = r.problems.find((x) => x.code === 'missingMedia');
    assert.ok(p);
    const uri = vscode.Uri.parse(p.uri);
    const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
    assert.ok(diags.some((d) => codeOf(d) === 'missingMedia' && d.range.start.line === p.line && d.range.start.character === p.character), 'the problem is on the note\'s URI');
    // Opening the note shows the same problem at the same place (the rendering is the document).
    const doc = await vscode.workspace.openTextDocument(uri);
    const live = await diagnostic(doc, 'missingMedia');
    assert.equal(live.d.range.start.line, p.line);
    assert.equal(live.d.range.start.character, p.character);
  });
});
