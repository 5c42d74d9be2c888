/** AnkiConnect-compatible test server: public entry point for tests, benchmarks and demos. */
export { startTestServer } from './server';
export type { TestServer, TestServerOptions, ServerStats, ServerFaults, ServerSimulate, RequestLogEntry } from './server';
export { Collection } from './collection';
export { ADDON_BUILDS, type AddonBuild } from './actions';
export type { Card, Deck, Note, Model, CollectionOptions } from './collection';
export { generateCollection, README_NOTE, SAMPLE_DECKS } from './generate';
export type { GenerateOptions } from './generate';
export { parseSearch, SearchError } from './search';
export { pyDumps, pyLoads, pyRepr } from './pyjson';
