/** Three projects so each suite runs alone: `npm run test:unit`, `test:integration`, `test:stepfunctions`. */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // middy is ESM-only: let ts-jest transform it.
  transform: { '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: { allowJs: true } }] },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  setupFiles: ['<rootDir>/tests/support/environment.ts'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/moto-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/moto-global-teardown.ts',
      setupFilesAfterEnv: ['aws-sdk-client-mock-jest', '<rootDir>/tests/support/moto-per-file.ts'],
    },
    {
      ...common,
      displayName: 'stepfunctions',
      testMatch: ['<rootDir>/tests/stepfunctions/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/moto-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/moto-global-teardown.ts',
      setupFilesAfterEnv: ['aws-sdk-client-mock-jest', '<rootDir>/tests/support/moto-per-file.ts'],
    },
    {
      ...common,
      displayName: 'security',
      // Checks over the packaged template (run after `osls package`) and the webhook's handling of its secret.
      testMatch: ['<rootDir>/tests/security/**/*.test.ts'],
      setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
    },
  ],
  testTimeout: 60000,
};
