// Jest over the real wasm module (ES modules: run with
// node --experimental-vm-modules; see build-scripts/test-wasm.sh).
export default {
  rootDir: '../..',
  roots: ['<rootDir>/tests/wasm'],
  testMatch: ['<rootDir>/tests/wasm/**/*.test.js'],
  testEnvironment: 'node',
  transform: {},
  maxWorkers: 2,
  testTimeout: 120000,
};
