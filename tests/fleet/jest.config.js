// The fleet suites (build-scripts/test-fleet.sh): the fault tests here and
// the convergence schedules of tests/sync against two weige-server
// processes on PostgreSQL behind HAProxy (WEIGE_SYNC_FLEET=1). One file at
// a time: they share the cluster, and one of them restarts it.
export default {
  rootDir: '../..',
  roots: ['<rootDir>/tests/fleet', '<rootDir>/tests/sync'],
  testMatch: ['<rootDir>/tests/fleet/**/*.test.js', '<rootDir>/tests/sync/convergence.test.js'],
  testEnvironment: 'node',
  transform: {},
  maxWorkers: 1,
  testTimeout: 300000,
};
