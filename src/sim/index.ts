// The simulator's public API (plain TypeScript on typed arrays; never imports the engine).
export * from './dataset/index.js';
