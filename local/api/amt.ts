import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { AMT_ENV, DEV_AMT_PREFIX, LOCAL_ENV_FILE } from './constants.ts';

/** Where an AMT was found. */
export type AmtSource = 'option' | 'environment' | 'dotenv';

export interface FoundAmt {
  amt: string;
  source: AmtSource;
  /** The `.env` file it came from, when `source` is `dotenv`. */
  file?: string;
}

/**
 * Finds the Application Management Token the way `npm start` and `npm run send` both do:
 * an explicit value, then the `SMARTCAR_AMT` environment variable, then `SMARTCAR_AMT` in a
 * `.env`-style file (default `./.env`). Returns `undefined` when none is set.
 *
 * @example
 * ```ts
 * const found = findAmt({ explicit: args.amt, envFile: args.dotenv });
 * if (!found) throw new Error('Set SMARTCAR_AMT or pass --amt');
 * ```
 */
export function findAmt(
  options: { explicit?: string; env?: NodeJS.ProcessEnv; envFile?: string } = {},
): FoundAmt | undefined {
  if (options.explicit) return { amt: options.explicit, source: 'option' };
  const fromEnv = (options.env ?? process.env)[AMT_ENV];
  if (fromEnv) return { amt: fromEnv, source: 'environment' };
  const file = options.envFile ?? LOCAL_ENV_FILE;
  if (!existsSync(file)) return undefined;
  const fromFile = parseEnv(readFileSync(file, 'utf8'))[AMT_ENV];
  return fromFile ? { amt: fromFile, source: 'dotenv', file } : undefined;
}

/**
 * A random development AMT, recognisable by its `local-dev-amt-` prefix. It only works against
 * the local pipeline that printed it.
 *
 * @example
 * ```ts
 * const amt = findAmt()?.amt ?? generateDevAmt();
 * ```
 */
export function generateDevAmt(): string {
  return `${DEV_AMT_PREFIX}${randomBytes(16).toString('hex')}`;
}
