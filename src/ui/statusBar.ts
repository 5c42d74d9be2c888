// One status-bar item (left) that mirrors the connection state and offers the action that fixes it.
import * as vscode from 'vscode';
import { Commands, ContextKeys, STATUS_BAR_ID } from '../constants';
import { contextValue } from '../core/connection';
import type { ConnectionState } from '../session';
import type { Session } from './session';

export interface StatusView {
  text: string;
  tooltip: string;
  command: string;
  background: 'warning' | 'error' | undefined;
}

/** What the item shows for a state, with the saves waiting for Anki (exported for tests). */
export function statusView(state: ConnectionState, url: string, cachedAt?: number, waiting = 0): StatusView {
  const v = connectionView(state, url, cachedAt);
  if (waiting <= 0) return v;
  const t = vscode.l10n.t;
  const count = waiting === 1 ? t('1 save waiting') : t('{0} saves waiting', waiting);
  return {
    ...v,
    text: `${v.text} · ${count}`,
    tooltip: `${v.tooltip} ${waiting === 1 ? t('1 save waits for Anki (Save When Anki Is Back).') : t('{0} saves wait for Anki (Save When Anki Is Back).', waiting)}`,
  };
}

/** The waiting saves the status bar counts (src/ui/saveQueue.ts). */
export interface WaitingSaves {
  readonly size: number;
  readonly onDidChange: vscode.Event<void>;
}

function connectionView(state: ConnectionState, url: string, cachedAt?: number): StatusView {
  const t = vscode.l10n.t;
  if (state.kind === 'notRunning' && cachedAt !== undefined) {
    const time = new Date(cachedAt).toLocaleTimeString(vscode.env.language, { hour: '2-digit', minute: '2-digit' });
    return {
      text: `$(debug-disconnect) ${t('Anki (offline, cached {0})', time)}`,
      tooltip: t('Anki is not running (nothing answers at {0}). Showing what Anki Files cached at {1}, read-only; saving needs Anki. Click to retry.', url, time),
      command: Commands.retryConnection,
      background: 'warning',
    };
  }
  switch (state.kind) {
    case 'connected':
      return {
        text: '$(check) Anki',
        tooltip: t('Connected to AnkiConnect (API version {0}) at {1}', state.version, url),
        command: Commands.showLog,
        background: undefined,
      };
    case 'unknown':
    case 'connecting':
      return {
        text: '$(sync~spin) Anki',
        tooltip: t('Connecting to AnkiConnect at {0}…', url),
        command: Commands.showLog,
        background: undefined,
      };
    case 'notRunning':
      return {
        text: '$(debug-disconnect) Anki',
        tooltip: t('Anki is not running (nothing answers at {0}). Click to retry.', url),
        command: Commands.retryConnection,
        background: 'warning',
      };
    case 'apiKey':
      return {
        text: '$(key) Anki',
        tooltip: t('{0} Click to set the API key.', state.message),
        command: Commands.setApiKey,
        background: 'error',
      };
    case 'error':
      return {
        text: '$(error) Anki',
        tooltip: t('{0} Click to retry.', state.message),
        command: Commands.retryConnection,
        background: 'error',
      };
  }
}

export function registerStatusBar(session: Session, waiting?: WaitingSaves): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 10);
  item.name = vscode.l10n.t('Anki Connection');
  const render = (state: ConnectionState): void => {
    const v = statusView(state, session.url, session.cachedAt, waiting?.size ?? 0);
    item.text = v.text;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.retryConnection, Commands.setApiKey, Commands.showLog, Commands.installHelp, Commands.showWaitingSaves] };
    md.appendText(v.tooltip);
    md.appendMarkdown(
      `\n\n[${vscode.l10n.t('Retry')}](command:${Commands.retryConnection}) · ` +
        `[${vscode.l10n.t('Set API Key')}](command:${Commands.setApiKey}) · ` +
        `[${vscode.l10n.t('Show Log')}](command:${Commands.showLog})` +
        (waiting && waiting.size > 0 ? ` · [${vscode.l10n.t('Show Waiting Saves')}](command:${Commands.showWaitingSaves})` : ''),
    );
    item.tooltip = md;
    item.command = v.command;
    item.accessibilityInformation = { label: v.tooltip };
    item.backgroundColor =
      v.background === 'warning'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : v.background === 'error'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.connection, contextValue(state));
  };
  render(session.state);
  item.show();
  const sub = session.onDidChangeState(render);
  const cacheSub = session.offline?.onDidChange(() => render(session.state));
  const waitingSub = waiting?.onDidChange(() => render(session.state));
  return vscode.Disposable.from(item, sub, ...(cacheSub ? [cacheSub] : []), ...(waitingSub ? [waitingSub] : []));
}
