// Open311 GeoReport v2 against the real weige-server on loopback (ES
// modules: run with node --experimental-vm-modules; build-scripts/test-server.sh
// runs it on SQLite, test-pg.sh on PostgreSQL with WEIGE_OPEN311_PG_URL).
export default {
  rootDir: '../..',
  roots: ['<rootDir>/tests/open311'],
  testMatch: ['<rootDir>/tests/open311/**/*.test.js'],
  testEnvironment: 'node',
  transform: {},
  maxWorkers: 1,
  testTimeout: 300000,
};
