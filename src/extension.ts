import * as vscode from 'vscode';

// Composition root. Registers the `anki:` file system first (synchronously), then views and commands.
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Anki Files', { log: true });
  context.subscriptions.push(log);
  log.info('Anki Files activated');
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
