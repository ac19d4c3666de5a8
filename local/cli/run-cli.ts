import { UsageError } from './errors.ts';

/**
 * Runs a CLI's `main` and turns its result into an exit code: `main`'s own code on success,
 * 2 with the usage text for a command-line mistake, 1 with a one-line message for anything else.
 *
 * @example
 * ```ts
 * runCli('send', USAGE, () => main(process.argv.slice(2)));
 * ```
 */
export function runCli(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`${(error as Error).message}\n\n${usage}`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`${name} failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
