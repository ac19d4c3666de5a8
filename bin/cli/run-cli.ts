import { UsageError } from './errors.ts';

/**
 * Runs a CLI's `main` and turns its result into an exit code: `main`'s own code on success,
 * 2 with the usage text for a command-line mistake, 1 with a one-line message for anything else
 * (`describeFailure`'s, by default "`name` failed: message").
 *
 * @example
 * ```ts
 * runCli('send', USAGE, () => main(process.argv.slice(2)));
 * runCli('npm start', USAGE, () => main(argv), (error) => `The local pipeline failed to start: ${String(error)}`);
 * ```
 */
export function runCli(
  name: string,
  usage: string,
  main: () => Promise<number>,
  describeFailure: (error: unknown) => string = (error) => `${name} failed: ${(error as Error).message}`,
): void {
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
      process.stderr.write(`${describeFailure(error)}\n`);
      process.exitCode = 1;
    },
  );
}
