/**
 * Shared jest settings for every package: native ESM (ink and yoga-layout need it),
 * ts-jest for TypeScript, `.js` import suffixes mapped back to sources.
 * Run jest as `node --experimental-vm-modules`.
 */
const here = new URL('.', import.meta.url).pathname;

export const jestPreset = {
  testEnvironment: `${here}jest.environment.cjs`,
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^elliptic$': `${here}jest.elliptic-shim.cjs`,
  },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  testTimeout: 30000,
  // a test that fails half way can leave a child process or socket behind; jest must still end
  // (it says so when it forces the exit) rather than hold CI until its time limit
  forceExit: true,
};
