// Jest over the assembled mini-program (build/miniprogram) and the wx
// stand-in. ES modules: run with node --experimental-vm-modules (see
// build-scripts/test-miniprogram.sh). Page suites pick the jsdom
// environment in their docblock (miniprogram-simulate renders into a DOM).
export default {
  rootDir: '../..',
  roots: ['<rootDir>/tests/miniprogram'],
  testMatch: ['<rootDir>/tests/miniprogram/**/*.test.js'],
  testEnvironment: 'node',
  transform: {},
  maxWorkers: 2,
  testTimeout: 120000,
};
