import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The checks that need a tool `npm ci` does not install, one vitest project each, so that
 * `npm test` (the `fast` project) passes with nothing but Node and `npm ci`. Their scripts
 * (`npm run test:browser`, `test:cfn`, `test:rehearsal`, and `test:all` for everything) check for
 * the tool first (`test/helpers/require-tools.ts`); the tests fail, never skip, without it.
 */
export const OUTSIDE_TOOL_PROJECTS = {
  /** Chrome or Chromium, driven through playwright-core. */
  browser: ['test/e2e/console-browser.test.ts', 'test/e2e/console-quarantine.test.ts'],
  /** cfn-lint, a Python tool. */
  cfn: ['test/infra/cfn-lint.test.ts'],
  /**
   * A Node binary of the Lambda runtime's major (`npm run rehearsal:node`): the deployment
   * rehearsal, and the package consumer test that rehearses a consumer app's bundled processor.
   */
  rehearsal: ['test/rehearsal/**/*.test.ts', 'test/package/consumer.test.ts'],
};

export default defineConfig({
  test: {
    // No `include` here: a project's own list would be added to it, not put in its place.
    environment: 'node',
    // One `cdk synth` per run, shared by the files that need it (synth.test.ts, the rehearsal).
    globalSetup: ['test/helpers/cdk-synth-setup.ts'],
    // Emulator-backed suites start servers on loopback; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_DEV: 'false',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...Object.values(OUTSIDE_TOOL_PROJECTS).flat()],
        },
      },
      ...Object.entries(OUTSIDE_TOOL_PROJECTS).map(([name, include]) => ({
        extends: true as const,
        test: { name, include },
      })),
    ],
  },
});
