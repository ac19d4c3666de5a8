import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseEnv } from 'node:util';
import { AMT_ENV, DEV_AMT_PREFIX, LOCAL_AMT_FILE, LOCAL_AMT_FILE_ENV, LOCAL_ENV_FILE } from './constants.ts';

/** Where an AMT was found. */
export type AmtSource = 'option' | 'environment' | 'dotenv' | 'local-file';

export interface FoundAmt {
  amt: string;
  source: AmtSource;
  /** The file it came from, when `source` is `dotenv` or `local-file`. */
  file?: string;
}

/** Where to look besides an explicit value (defaults: `process.env`, `./.env`, the local token file). */
export interface AmtLookup {
  explicit?: string | undefined;
  env?: NodeJS.ProcessEnv;
  envFile?: string | undefined;
}

/**
 * Finds the Application Management Token the way `npm start` and every command (send, dlq,
 * smoke, replay) do, in this order: an explicit value (`--amt`), the `SMARTCAR_AMT` environment
 * variable, `SMARTCAR_AMT` in a `.env`-style file (default `./.env`), then the development token
 * the first `npm start` generated ({@link localAmtFile}). Returns `undefined` when none is set.
 *
 * @example
 * ```ts
 * const found = findAmt({ explicit: args.amt, envFile: args.dotenv });
 * if (!found) throw new Error('Run npm start once, or set SMARTCAR_AMT');
 * ```
 */
export function findAmt(options: AmtLookup = {}): FoundAmt | undefined {
  if (options.explicit) return { amt: options.explicit, source: 'option' };
  const env = options.env ?? process.env;
  if (env[AMT_ENV]) return { amt: env[AMT_ENV], source: 'environment' };
  const envFile = options.envFile ?? LOCAL_ENV_FILE;
  const fromEnvFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8'))[AMT_ENV] : undefined;
  if (fromEnvFile) return { amt: fromEnvFile, source: 'dotenv', file: envFile };
  const file = localAmtFile(env);
  const fromLocalFile = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return fromLocalFile ? { amt: fromLocalFile, source: 'local-file', file } : undefined;
}

/**
 * `npm start`'s AMT: the one {@link findAmt} finds, else a new development token written to
 * {@link localAmtFile} (created only if absent, readable by this user only), which every later
 * start and command then finds. The token is never printed.
 *
 * @example
 * ```ts
 * const { amt } = findOrCreateLocalAmt({ envFile: args.dotenv }); // the same on every start
 * ```
 */
export function findOrCreateLocalAmt(options: AmtLookup = {}): FoundAmt {
  const found = findAmt(options);
  if (found) return found;
  const file = localAmtFile(options.env ?? process.env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': a start racing this one keeps the token that was written first.
    writeFileSync(file, `${generateDevAmt()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { amt: readFileSync(file, 'utf8').trim(), source: 'local-file', file };
}

/**
 * The file holding the generated development token: `$SMARTCAR_LOCAL_AMT_FILE`, else
 * `.local-data/amt` in the current folder (npm runs every script in the project folder).
 *
 * @example
 * ```ts
 * localAmtFile(); // '.local-data/amt'
 * ```
 */
export function localAmtFile(env: NodeJS.ProcessEnv = process.env): string {
  return env[LOCAL_AMT_FILE_ENV] || LOCAL_AMT_FILE;
}

/**
 * Says where an AMT came from without showing it, for a banner or a command's header line.
 *
 * @example
 * ```ts
 * describeAmtSource({ amt, source: 'dotenv', file: '.env' }); // 'SMARTCAR_AMT in .env'
 * ```
 */
export function describeAmtSource(found: FoundAmt): string {
  switch (found.source) {
    case 'option':
      return '--amt';
    case 'environment':
      return `$${AMT_ENV}`;
    case 'dotenv':
      return `${AMT_ENV} in ${found.file}`;
    case 'local-file':
      return `${found.file} (the local development token; not a Smartcar token)`;
  }
}

/**
 * A random development AMT, recognisable by its `local-dev-amt-` prefix. It only works against
 * the local pipeline that uses it.
 *
 * @example
 * ```ts
 * const amt = findAmt()?.amt ?? generateDevAmt();
 * ```
 */
export function generateDevAmt(): string {
  return `${DEV_AMT_PREFIX}${randomBytes(16).toString('hex')}`;
}
