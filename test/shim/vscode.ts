// A small shim of VS Code's value types for running glue-layer logic under vitest (outside VS Code).
// Real implementations of the value types the code touches; anything else is deliberately absent.
// Shared file: add what your tests need in its own section; keep behaviour faithful to VS Code's.
export {};
