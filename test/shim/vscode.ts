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
