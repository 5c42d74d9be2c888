// "Anki: Search Notes…": a QuickPick that runs Anki queries as you type.
import { errorText } from './messages';
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { RECENT_QUERIES_MAX, SEARCH_DEBOUNCE_MS, SEARCH_PREVIEW_LIMIT, STATE_RECENT_QUERIES } from '../constants';
import type { NoteSummary } from '../core/listing';
import { pushRecent, renderSearchItem, type SearchEngine, type SearchOutcome } from '../core/search';
import type { NoteUris } from '../tree/items';
import type { SearchResultsView } from '../tree/searchResultsView';

type PickItem = vscode.QuickPickItem &
  (
    | { kind2: 'note'; note: NoteSummary }
    | { kind2: 'showAll'; query: string; ids: NoteId[] }
    | { kind2: 'recent'; query: string }
    | { kind2: 'message' }
  );

export interface SearchPickDeps {
  engine: SearchEngine;
  uris: NoteUris;
  results: SearchResultsView;
  memento: vscode.Memento;
  log: vscode.LogOutputChannel;
}

export function recentQueries(memento: vscode.Memento): string[] {
  const v: unknown = memento.get(STATE_RECENT_QUERIES);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, RECENT_QUERIES_MAX) : [];
}

async function remember(memento: vscode.Memento, query: string): Promise<void> {
  await memento.update(STATE_RECENT_QUERIES, pushRecent(recentQueries(memento), query, RECENT_QUERIES_MAX));
}

/** The QuickPick items for a search outcome (exported for tests). */
export function outcomeItems(outcome: Exclude<SearchOutcome, { kind: 'stale' }>): PickItem[] {
  const t = vscode.l10n.t;
  switch (outcome.kind) {
    case 'ok': {
      const items: PickItem[] = [];
      if (outcome.ids.length === 0) {
        items.push({ kind2: 'message', label: t('No notes match {0}', outcome.query), alwaysShow: true });
        return items;
      }
      // Hits first (Enter opens the first one), then "Show all N results" (also a title-bar button).
      for (const note of outcome.items) {
        const v = renderSearchItem(note);
        items.push({
          kind2: 'note',
          note,
          label: v.label || t('(empty first field)'),
          description: v.description,
          detail: v.detail || undefined,
          alwaysShow: true,
        });
      }
      items.push({ kind2: 'message', label: '', kind: vscode.QuickPickItemKind.Separator, alwaysShow: true });
      items.push({
        kind2: 'showAll',
        query: outcome.query,
        ids: outcome.ids,
        label: `$(list-tree) ${t('Show all {0} results', outcome.ids.length)}`,
        description: outcome.ids.length > outcome.items.length ? t('{0} listed above', outcome.items.length) : undefined,
        detail: t('in the Search Results view'),
        alwaysShow: true,
      });
      return items;
    }
    case 'invalid':
      return [{ kind2: 'message', label: `$(error) ${t('Anki cannot run this search')}`, detail: outcome.message, alwaysShow: true }];
    case 'error':
      return [{ kind2: 'message', label: `$(warning) ${t('Search failed')}`, detail: errorText(outcome.error), alwaysShow: true }];
  }
}

export function showSearchPick(deps: SearchPickDeps, initial = ''): void {
  const t = vscode.l10n.t;
  const qp = vscode.window.createQuickPick<PickItem>();
  qp.title = t('Search Anki Notes');
  qp.placeholder = t('Anki search, e.g. deck:"Japanese::JLPT N3" tag:verb is:due');
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const subs: vscode.Disposable[] = [];
  /** The latest successful query, for the title-bar "show all" button. */
  let last: { query: string; ids: NoteId[] } | undefined;
  const showAllButton: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('list-tree'),
    tooltip: t('Show all results in the Search Results view'),
  };

  const showRecent = (): void => {
    const recent = recentQueries(deps.memento);
    qp.items = recent.map((q) => ({
      kind2: 'recent' as const,
      query: q,
      label: q,
      iconPath: new vscode.ThemeIcon('history'),
      description: t('recent search'),
      alwaysShow: true,
    }));
  };

  const run = (query: string): void => {
    const seq = deps.engine.begin();
    if (query.trim().length === 0) {
      qp.busy = false;
      showRecent();
      return;
    }
    qp.busy = true;
    void deps.engine.run(query, seq, SEARCH_PREVIEW_LIMIT).then((outcome) => {
      if (outcome.kind === 'stale' || !deps.engine.isLatest(seq)) return;
      qp.busy = false;
      if (outcome.kind === 'error') deps.log.warn(`Search "${query}" failed: ${outcome.message}`);
      qp.items = outcomeItems(outcome);
      last = outcome.kind === 'ok' && outcome.ids.length > 0 ? { query: outcome.query, ids: outcome.ids } : undefined;
      qp.buttons = last ? [showAllButton] : [];
    });
  };

  subs.push(
    qp.onDidChangeValue((value) => {
      if (timer) clearTimeout(timer);
      // Older results must not show while the user types: mark the running query stale right away.
      deps.engine.begin();
      if (value.trim().length === 0) {
        run('');
        return;
      }
      qp.busy = true;
      timer = setTimeout(() => {
        timer = undefined;
        run(value);
      }, SEARCH_DEBOUNCE_MS);
    }),
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0];
      if (!item) {
        // Enter before the results arrived: search now instead of waiting for the debounce.
        if (timer && qp.value.trim().length > 0) {
          clearTimeout(timer);
          timer = undefined;
          run(qp.value);
        }
        return;
      }
      switch (item.kind2) {
        case 'recent':
          qp.value = item.query;
          run(item.query);
          return;
        case 'note': {
          const uri = deps.uris.uriForNote(item.note.deck, item.note.sortFieldHtml, item.note.id);
          void remember(deps.memento, qp.value);
          qp.hide();
          void vscode.commands.executeCommand('vscode.open', uri);
          return;
        }
        case 'showAll':
          void remember(deps.memento, item.query);
          qp.hide();
          void deps.results.show(item.query, item.ids);
          return;
        case 'message':
          return;
      }
    }),
    qp.onDidTriggerButton((b) => {
      if (b !== showAllButton || !last) return;
      const { query, ids } = last;
      void remember(deps.memento, query);
      qp.hide();
      void deps.results.show(query, ids);
    }),
    qp.onDidHide(() => {
      if (timer) clearTimeout(timer);
      deps.engine.begin(); // drop whatever is still running
      for (const s of subs) s.dispose();
      qp.dispose();
    }),
  );
  qp.value = initial;
  if (initial) run(initial);
  else showRecent();
  qp.show();
}
