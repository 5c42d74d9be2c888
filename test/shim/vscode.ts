// A small shim of VS Code's value types for running glue-layer logic under vitest (outside VS Code).
// Real implementations of the value types the code touches; anything else is deliberately absent.
// Shared file: add what your tests need in its own section; keep behaviour faithful to VS Code's.
export {};

// ---------------------------------------------------------------------------------------------------------------
// Section: file system (owner: fs/saver engineer). Uri, FileSystemError, FileType, FileChangeType, FilePermission,
// EventEmitter, Disposable, Position, Range, DiagnosticSeverity, Diagnostic.
// ---------------------------------------------------------------------------------------------------------------

export class Disposable {
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => {
      for (const d of items) d.dispose();
    });
  }
  private callOnDispose: (() => unknown) | undefined;
  constructor(callOnDispose: () => unknown) {
    this.callOnDispose = callOnDispose;
  }
  dispose(): unknown {
    const f = this.callOnDispose;
    this.callOnDispose = undefined;
    return f?.();
  }
}

export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export class EventEmitter<T> {
  private listeners: Array<(e: T) => unknown> = [];
  private disposed = false;
  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs === undefined ? listener : (e: T) => listener.call(thisArgs, e);
    if (!this.disposed) this.listeners.push(bound);
    const d = new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== bound);
    });
    disposables?.push(d);
    return d;
  };
  fire(data: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(data);
      } catch (e) {
        // VS Code logs listener errors and keeps delivering to the others.
        console.error(e);
      }
    }
  }
  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

// Uri: a faithful small implementation of VS Code's URI (parse / from / with / toString / path), enough for
// custom schemes such as `anki:`. Percent-encoding follows VS Code's `encodeURIComponentFast`: unreserved
// characters stay, `/` stays in paths, everything else is %XX-encoded (UTF-8).
const URI_REGEX = /^(([^:/?#]+?):)?(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?/;

function encodeUriPart(s: string, isPath: boolean): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9\-._~]/.test(ch) || (isPath && ch === '/')) out += ch;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  }
  return out;
}

function decodeUriPart(s: string): string {
  return s.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

export class Uri {
  static parse(value: string, strict = false): Uri {
    const m = URI_REGEX.exec(value);
    if (!m) return new Uri('', '', '', '', '');
    const scheme = m[2] ?? '';
    if (strict && !scheme) throw new Error(`[UriError]: Scheme is missing: {scheme: "", authority: "", path: "${value}"}`);
    return new Uri(scheme || 'file', decodeUriPart(m[4] ?? ''), decodeUriPart(m[5] ?? ''), decodeUriPart(m[7] ?? ''), decodeUriPart(m[9] ?? ''));
  }
  static file(path: string): Uri {
    let p = path.replace(/\\/g, '/');
    if (!p.startsWith('/')) p = '/' + p;
    return new Uri('file', '', p, '', '');
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    const parts = [base.path, ...segments].join('/').split('/');
    const out: string[] = [];
    for (const p of parts) {
      if (p === '' || p === '.') continue;
      if (p === '..') out.pop();
      else out.push(p);
    }
    return base.with({ path: '/' + out.join('/') });
  }
  static isUri(thing: unknown): thing is Uri {
    return thing instanceof Uri;
  }

  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;

  private constructor(scheme: string, authority: string, path: string, query: string, fragment: string) {
    this.scheme = scheme;
    this.authority = authority;
    // Like VS Code: a path with an authority (or a non-empty path of a scheme) starts with '/'.
    this.path = authority && path && !path.startsWith('/') ? '/' + path : path;
    this.query = query;
    this.fragment = fragment;
  }

  get fsPath(): string {
    return this.authority && this.path.length > 1 && this.scheme === 'file' ? `//${this.authority}${this.path}` : this.path;
  }

  with(change: { scheme?: string; authority?: string | null; path?: string | null; query?: string | null; fragment?: string | null }): Uri {
    const scheme = change.scheme ?? this.scheme;
    const authority = change.authority === undefined ? this.authority : (change.authority ?? '');
    const path = change.path === undefined ? this.path : (change.path ?? '');
    const query = change.query === undefined ? this.query : (change.query ?? '');
    const fragment = change.fragment === undefined ? this.fragment : (change.fragment ?? '');
    if (scheme === this.scheme && authority === this.authority && path === this.path && query === this.query && fragment === this.fragment) {
      return this;
    }
    return new Uri(scheme, authority, path, query, fragment);
  }

  toString(skipEncoding = false): string {
    const enc = (s: string, isPath: boolean) => (skipEncoding ? s : encodeUriPart(s, isPath));
    let out = this.scheme ? `${this.scheme}:` : '';
    if (this.authority || this.scheme === 'file') out += '//';
    if (this.authority) out += enc(this.authority, false);
    if (this.path) out += enc(this.path, true);
    if (this.query) out += '?' + enc(this.query, false);
    if (this.fragment) out += '#' + enc(this.fragment, false);
    return out;
  }

  toJSON(): { scheme: string; authority: string; path: string; query: string; fragment: string } {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}

export enum FileType {
  Unknown = 0,
  File = 1,
  Directory = 2,
  SymbolicLink = 64,
}

export enum FilePermission {
  Readonly = 1,
}

export enum FileChangeType {
  Changed = 1,
  Created = 2,
  Deleted = 3,
}

/** Like VS Code: the kind is in `code` and in `name` (`<Code> (FileSystemError)`); the message is kept. */
export class FileSystemError extends Error {
  static FileExists(messageOrUri?: string | Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileExists');
  }
  static FileNotFound(messageOrUri?: string | Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileNotFound');
  }
  static FileNotADirectory(messageOrUri?: string | Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileNotADirectory');
  }
  static FileIsADirectory(messageOrUri?: string | Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileIsADirectory');
  }
  static NoPermissions(messageOrUri?: string | Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'NoPermissions');
  }
  static Unavailable(messageOrUri?: string | Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'Unavailable');
  }

  readonly code: string;

  constructor(messageOrUri?: string | Uri, code = 'Unknown') {
    super(Uri.isUri(messageOrUri) ? messageOrUri.toString(true) : (messageOrUri ?? code));
    this.code = code;
    this.name = code !== 'Unknown' ? `${code} (FileSystemError)` : 'FileSystemError';
  }
}

export class Position {
  readonly line: number;
  readonly character: number;
  constructor(line: number, character: number) {
    if (line < 0 || character < 0) throw new Error('Illegal argument: line and character must be non-negative');
    this.line = line;
    this.character = character;
  }
  isBefore(other: Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character < other.character);
  }
  isEqual(other: Position): boolean {
    return this.line === other.line && this.character === other.character;
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(start: Position, end: Position);
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number);
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    const start = typeof a === 'number' ? new Position(a, b as number) : a;
    const end = typeof a === 'number' ? new Position(c ?? 0, d ?? 0) : (b as Position);
    // VS Code swaps start and end when end is before start.
    if (end.isBefore(start)) {
      this.start = end;
      this.end = start;
    } else {
      this.start = start;
      this.end = end;
    }
  }
  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class Diagnostic {
  range: Range;
  message: string;
  severity: DiagnosticSeverity;
  source?: string;
  code?: string | number;
  constructor(range: Range, message: string, severity: DiagnosticSeverity = DiagnosticSeverity.Error) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}
// --- end of section: file system ---

// ---------------------------------------------------------------------------------------------------------------
// Section: views and UI (owner: decks/search/connection engineer). l10n, TreeItem, TreeItemCollapsibleState,
// ThemeIcon, ThemeColor, MarkdownString, QuickPickItemKind, StatusBarAlignment, DataTransferItem, DataTransfer.
// ---------------------------------------------------------------------------------------------------------------

type L10nArg = string | number | boolean;

function formatL10n(message: string, args: Record<string | number, unknown>): string {
  // VS Code's format: {0}, {name}; unknown placeholders stay as they are.
  return message.replace(/\{([^{}]+)\}/g, (whole, key: string) => (key in args ? String(args[key]) : whole));
}

export const l10n = {
  t(
    message: string | { message: string; args?: L10nArg[] | Record<string, unknown>; comment: string | string[] },
    ...rest: unknown[]
  ): string {
    if (typeof message === 'object') {
      const a = message.args ?? [];
      return formatL10n(message.message, Array.isArray(a) ? { ...a } : a);
    }
    const first = rest[0];
    if (rest.length === 1 && typeof first === 'object' && first !== null && !Array.isArray(first)) {
      return formatL10n(message, first as Record<string, unknown>);
    }
    return formatL10n(message, { ...rest });
  },
  bundle: undefined as { [key: string]: string } | undefined,
  uri: undefined as Uri | undefined,
};

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class MarkdownString {
  value: string;
  isTrusted?: boolean | { readonly enabledCommands: readonly string[] };
  supportThemeIcons?: boolean;
  supportHtml?: boolean;
  baseUri?: Uri;
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  /** As VS Code: markdown syntax escaped, runs of spaces kept, newlines become paragraph breaks. */
  appendText(value: string): MarkdownString {
    const icons = this.supportThemeIcons ? value.replace(/\$\([a-z0-9-~]+\)/gi, (m) => `\\${m}`) : value;
    this.value += icons
      .replace(/[\\`*_{}[\]()#+\-!~]/g, '\\$&')
      .replace(/([ \t]+)/g, (_m, g1: string) => '&nbsp;'.repeat(g1.length))
      .replace(/>/gm, '\\>')
      .replace(/\n/g, '\n\n');
    return this;
  }
  appendMarkdown(value: string): MarkdownString {
    this.value += value;
    return this;
  }
  appendCodeblock(value: string, language = ''): MarkdownString {
    this.value += `\n\`\`\`${language}\n${value}\n\`\`\`\n`;
    return this;
  }
}

export class TreeItem {
  label?: string | { label: string; highlights?: Array<[number, number]> };
  id?: string;
  iconPath?: string | Uri | { light: string | Uri; dark: string | Uri } | ThemeIcon;
  description?: string | boolean;
  resourceUri?: Uri;
  tooltip?: string | MarkdownString;
  command?: { command: string; title: string; tooltip?: string; arguments?: unknown[] };
  collapsibleState?: TreeItemCollapsibleState;
  contextValue?: string;
  accessibilityInformation?: { label: string; role?: string };
  checkboxState?: unknown;
  constructor(labelOrUri: string | { label: string } | Uri, collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {
    if (labelOrUri instanceof Uri) this.resourceUri = labelOrUri;
    else this.label = labelOrUri;
    this.collapsibleState = collapsibleState;
  }
}

export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export class DataTransferItem {
  constructor(readonly value: unknown) {}
  async asString(): Promise<string> {
    return typeof this.value === 'string' ? this.value : JSON.stringify(this.value);
  }
  asFile(): undefined {
    return undefined;
  }
}

export class DataTransfer implements Iterable<[mimeType: string, item: DataTransferItem]> {
  private readonly items = new Map<string, DataTransferItem>();
  get(mimeType: string): DataTransferItem | undefined {
    return this.items.get(mimeType.toLowerCase());
  }
  set(mimeType: string, value: DataTransferItem): void {
    this.items.set(mimeType.toLowerCase(), value);
  }
  forEach(cb: (item: DataTransferItem, mimeType: string, dataTransfer: DataTransfer) => void): void {
    for (const [m, i] of this.items) cb(i, m, this);
  }
  [Symbol.iterator](): IterableIterator<[mimeType: string, item: DataTransferItem]> {
    return this.items[Symbol.iterator]();
  }
}

// window / commands (views and UI section): just enough for tree providers to run under vitest. Tree views and
// messages are recorded in `shimUi` so tests can look at what the user would see.
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export interface ShimTreeView<T> {
  readonly id: string;
  readonly options: { treeDataProvider: unknown; dragAndDropController?: unknown; showCollapseAll?: boolean; canSelectMany?: boolean };
  message: string | undefined;
  title: string | undefined;
  description: string | undefined;
  visible: boolean;
  readonly reveals: Array<{ element: T; options: unknown }>;
  reveal(element: T, options?: unknown): Promise<void>;
  dispose(): void;
}

export const shimUi = {
  treeViews: new Map<string, ShimTreeView<unknown>>(),
  messages: [] as Array<{ level: 'info' | 'warning' | 'error'; message: string; items: unknown[] }>,
  commands: [] as Array<{ command: string; args: unknown[] }>,
  progress: [] as unknown[],
  /** Scripted user answers, consumed in order by showInputBox / showQuickPick / modal or button messages. */
  answers: [] as unknown[],
  inputBoxes: [] as Array<{ value?: string; validate?: (v: string) => unknown }>,
  clipboard: '',
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  reset(): void {
    this.treeViews.clear();
    this.messages.length = 0;
    this.commands.length = 0;
    this.progress.length = 0;
    this.answers.length = 0;
    this.inputBoxes.length = 0;
    this.clipboard = '';
  },
};

function recordMessage(level: 'info' | 'warning' | 'error') {
  return (message: string, ...items: unknown[]): Promise<unknown> => {
    shimUi.messages.push({ level, message, items });
    const buttons = items.filter((i) => typeof i === 'string');
    const next = shimUi.answers[0];
    if (typeof next === 'string' && buttons.includes(next)) return Promise.resolve(shimUi.answers.shift());
    return Promise.resolve(undefined);
  };
}

export const window = {
  createTreeView<T>(id: string, options: ShimTreeView<T>['options']): ShimTreeView<T> {
    const view: ShimTreeView<T> = {
      id,
      options,
      message: undefined,
      title: undefined,
      description: undefined,
      visible: true,
      reveals: [],
      reveal(element: T, opts?: unknown) {
        this.reveals.push({ element, options: opts });
        return Promise.resolve();
      },
      dispose() {
        shimUi.treeViews.delete(id);
      },
    };
    shimUi.treeViews.set(id, view as ShimTreeView<unknown>);
    return view;
  },
  withProgress<R>(options: { location: unknown }, task: (progress: { report(v: unknown): void }) => Thenable<R>): Thenable<R> {
    shimUi.progress.push(options.location);
    return task({ report: () => undefined });
  },
  showInformationMessage: recordMessage('info'),
  showWarningMessage: recordMessage('warning'),
  showErrorMessage: recordMessage('error'),
  setStatusBarMessage(text: string): Disposable {
    shimUi.messages.push({ level: 'info', message: text, items: ['statusBar'] });
    return new Disposable(() => undefined);
  },
  showInputBox(options: { value?: string; validateInput?: (v: string) => unknown } = {}): Promise<string | undefined> {
    shimUi.inputBoxes.push({ value: options.value, validate: options.validateInput });
    return Promise.resolve(shimUi.answers.shift() as string | undefined);
  },
  showQuickPick<T>(items: readonly T[] | Thenable<readonly T[]>): Promise<T | undefined> {
    const answer = shimUi.answers.shift();
    return Promise.resolve(items).then((list) => list.find((i) => i === answer || (typeof i === 'object' && i !== null && (i as { label?: unknown }).label === answer)));
  },
  activeTextEditor: undefined as undefined | { document: { uri: Uri } },
};

export const commands = {
  /** Registered handlers run when executed; anything else is only recorded. */
  executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    shimUi.commands.push({ command, args });
    const h = shimUi.handlers.get(command);
    return Promise.resolve(h ? h(...args) : undefined);
  },
  registerCommand(command: string, callback: (...args: unknown[]) => unknown): Disposable {
    shimUi.handlers.set(command, callback);
    return new Disposable(() => shimUi.handlers.delete(command));
  },
};

export const env = {
  language: 'en',
  clipboard: {
    readText: (): Promise<string> => Promise.resolve(shimUi.clipboard),
    writeText: (v: string): Promise<void> => {
      shimUi.clipboard = v;
      return Promise.resolve();
    },
  },
  openExternal: (uri: Uri): Promise<boolean> => {
    shimUi.commands.push({ command: 'openExternal', args: [uri] });
    return Promise.resolve(true);
  },
};

// workspace (views and UI section): configuration only, backed by `shimUi.config` (keys like 'ankiFiles.url');
// `shimUi.setConfig(key, value)` fires onDidChangeConfiguration like a settings edit.
const configEmitter = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
const shimConfig = new Map<string, unknown>();
export const shimConfigApi = {
  setConfig(key: string, value: unknown): void {
    if (value === undefined) shimConfig.delete(key);
    else shimConfig.set(key, value);
    configEmitter.fire({ affectsConfiguration: (s: string) => key === s || key.startsWith(`${s}.`) });
  },
  clear(): void {
    shimConfig.clear();
  },
};

export const workspace = {
  getConfiguration(section?: string) {
    const full = (key: string): string => (section ? `${section}.${key}` : key);
    return {
      get<T>(key: string, defaultValue?: T): T | undefined {
        return shimConfig.has(full(key)) ? (shimConfig.get(full(key)) as T) : defaultValue;
      },
      has(key: string): boolean {
        return shimConfig.has(full(key));
      },
    };
  },
  onDidChangeConfiguration: configEmitter.event,
};
