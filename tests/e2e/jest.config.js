// Jest over the built web app in headless Chromium against a real
// weige-server (see build-scripts/test-web.sh). One file at a time: each
// starts its own server, and the machine has two cores.
export default {
  rootDir: '../..',
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['<rootDir>/tests/e2e/**/*.test.js'],
  testEnvironment: 'node',
  transform: {},
  maxWorkers: 1,
  testTimeout: 240000,
};
