// Anki's card template renderer (pure: no `vscode`). See template.ts, filters.ts, cloze.ts, text.ts, cards.ts.
export * from './cards';
export * from './cloze';
export * from './filters';
export * from './template';
export * from './text';
