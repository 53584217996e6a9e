// Jest over the real wasm module and the real weige-server (ES modules: run
// with node --experimental-vm-modules; see build-scripts/test-sync-js.sh).
export default {
  rootDir: '../..',
  roots: ['<rootDir>/tests/sync'],
  testMatch: ['<rootDir>/tests/sync/**/*.test.js'],
  testEnvironment: 'node',
  transform: {},
  maxWorkers: 1,
  testTimeout: 300000,
};
