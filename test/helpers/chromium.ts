import { type Browser, chromium } from 'playwright-core';
import { findChromium } from './outside-tools.ts';

/** Headless, sandbox off (CI containers), and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chrome or Chromium through playwright-core, as the console tests drive it: the browser
 * `findChromium` finds (`CHROMIUM_PATH`, the system's, or Playwright's), never a downloaded one.
 * Throws, naming how to install one, when there is none.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * ```
 */
export function launchChromium(): Promise<Browser> {
  const found = findChromium();
  if (found.problem !== undefined) throw new Error(`Missing ${found.problem}`);
  return chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
}
