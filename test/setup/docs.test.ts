import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/bundling.ts';

/**
 * The README stays short and the docs stay true: every `npm run` they show is a script, every
 * relative link reaches a file (and its heading), every doc is on the README's map, and prose wraps
 * at 100 columns. (The Configuration table is checked row for row in `settings-table.test.ts`.)
 */

const ROOT = projectRoot();
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', ...DOCS];
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;

function read(page: string): string {
  return readFileSync(join(ROOT, page), 'utf8');
}

/** The page's lines outside fenced code blocks, with their line numbers. */
function proseLines(page: string): Array<[number, string]> {
  let fenced = false;
  return read(page)
    .split('\n')
    .flatMap((line, i): Array<[number, string]> => {
      if (line.trimStart().startsWith('```')) {
        fenced = !fenced;
        return [];
      }
      return fenced ? [] : [[i + 1, line]];
    });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(page: string): Set<string> {
  return new Set(
    proseLines(page)
      .filter(([, line]) => /^#{1,6} /.test(line))
      .map(([, line]) => anchorOf(line.replace(/^#+ /, ''))),
  );
}

describe('README.md', () => {
  it('stays at most 250 lines', () => {
    // Prepare
    const readme = read('README.md');

    // Act
    const lines = readme.trimEnd().split('\n').length;

    // Assess
    expect(lines).toBeLessThanOrEqual(250);
  });

  it('links every doc in docs/', () => {
    // Prepare
    const readme = read('README.md');

    // Act
    const unlinked = DOCS.filter((doc) => !readme.includes(`](${doc})`));

    // Assess
    expect(DOCS.length).toBeGreaterThanOrEqual(10);
    expect(unlinked).toEqual([]);
  });

  it('names the two commands a newcomer starts with, and the one that runs everything', () => {
    // Prepare
    const readme = read('README.md');

    // Act
    const shown = ['npm start', 'npm test', 'npm run test:all'].filter((command) => readme.includes(command));

    // Assess
    expect(shown).toEqual(['npm start', 'npm test', 'npm run test:all']);
  });
});

describe.each(PAGES)('%s', (page) => {
  it('shows only npm scripts that exist', () => {
    // Prepare
    const text = read(page);

    // Act
    const missing = [...text.matchAll(/\bnpm\s+(?:--silent\s+)?run\s+([a-z][\w:-]*)/g)]
      .map(([, name]) => name!)
      .filter((name) => !(name in SCRIPTS));

    // Assess
    expect(missing).toEqual([]);
  });

  it('links only files and headings that exist', () => {
    // Prepare
    const links = [...read(page).matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!);

    // Act
    const broken = links
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
        if (!existsSync(file)) return true;
        return anchor !== undefined && file.endsWith('.md') && !anchorsOf(relative(ROOT, file)).has(anchor);
      });

    // Assess
    expect(broken).toEqual([]);
  });

  it('wraps its prose at 100 columns (tables, code, images and unbreakable links aside)', () => {
    // Prepare
    const lines = proseLines(page);

    // Act
    const long = lines
      .filter(([, line]) => !line.startsWith('|') && !line.startsWith('![') && line.trim().includes(' '))
      .filter(([, line]) => [...line].length > 100)
      .map(([n, line]) => `${page}:${n}: ${line.slice(0, 60)}…`);

    // Assess
    expect(long).toEqual([]);
  });
});
