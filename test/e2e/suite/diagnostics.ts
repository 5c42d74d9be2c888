// Waiting for diagnostics by VS Code's own event (languages.onDidChangeDiagnostics), not by polling.
import * as vscode from 'vscode';

/**
 * Resolves with what `probe` finds in the diagnostics of `uri`: at once when they already hold it, else at the
 * first `onDidChangeDiagnostics` for `uri` after which they do. The timeout only bounds a failing test.
 */
export function whenDiagnostics<T>(uri: vscode.Uri, probe: (diags: vscode.Diagnostic[]) => T | undefined | false, what: string, timeoutMs = 30000): Promise<T> {
  const now = probe(vscode.languages.getDiagnostics(uri));
  if (now !== undefined && now !== false) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no diagnostics change on ${uri.toString()} gave ${what} within ${timeoutMs} ms; now: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.source, typeof d.code === 'object' ? d.code.value : d.code, d.message]))}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const v = probe(vscode.languages.getDiagnostics(uri));
      if (v === undefined || v === false) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
  });
}

/**
 * Runs `edit`, then resolves with what `probe` finds in the diagnostics of `uri` at the first
 * `onDidChangeDiagnostics` for `uri` after the edit that satisfies it: diagnostics published before the edit (of
 * an older version of the document) never count, even when their ranges happen to fit the new text.
 */
export function afterEdit<T>(uri: vscode.Uri, edit: () => Promise<unknown>, probe: (diags: vscode.Diagnostic[]) => T | undefined | false, what: string, timeoutMs = 30000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let armed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!armed || !e.uris.some((u) => u.toString() === uri.toString())) return;
      const v = probe(vscode.languages.getDiagnostics(uri));
      if (v === undefined || v === false) return;
      if (timer) clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
    edit().then(
      () => {
        armed = true;
        timer = setTimeout(() => {
          sub.dispose();
          reject(new Error(`no diagnostics change on ${uri.toString()} after the edit gave ${what} within ${timeoutMs} ms; now: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.source, typeof d.code === 'object' ? d.code.value : d.code, d.message]))}`));
        }, timeoutMs);
      },
      (err: unknown) => {
        sub.dispose();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
