// Moved to test/integration/fs/helpers.ts (tests mirror src/); kept so test files written before the move still build.
export * from './fs/helpers';
