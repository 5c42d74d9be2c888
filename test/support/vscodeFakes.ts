// Small stand-ins for VS Code objects the glue takes (with the shim's `vscode` in integration tests).
import * as vscode from 'vscode';

/** A SecretStorage with no API key stored. */
export function noSecrets(): vscode.SecretStorage {
  return {
    get: async () => undefined,
    store: async () => undefined,
    delete: async () => undefined,
    onDidChange: new vscode.EventEmitter<{ key: string }>().event,
  } as unknown as vscode.SecretStorage;
}

/** A LogOutputChannel that appends `level message` lines to `lines`. */
export function recordingLog(lines: string[]): vscode.LogOutputChannel {
  const rec = (level: string) => (m: string): void => void lines.push(`${level} ${m}`);
  return { info: rec('info'), debug: rec('debug'), warn: rec('warn'), error: rec('error'), trace: rec('trace'), show: () => undefined } as unknown as vscode.LogOutputChannel;
}
