import { SETTINGS, type SettingRow } from './table.ts';

/**
 * The `docs/configuration.md` table, made from the settings table: one line per key, in the
 * table's order (`test/infra/settings-table.test.ts` compares it with that doc's).
 *
 * @example
 * ```ts
 * configurationTable()[2]; // '| `stage` | `dev` | Environment name: ... |'
 * ```
 */
export function configurationTable(): string[] {
  const rows = Object.entries(SETTINGS).map(
    ([key, row]) => `| \`${key}\` | ${defaultCell(row as SettingRow<unknown>)} | ${row.doc} |`,
  );
  return ['| key | default | what it sets |', '|---|---|---|', ...rows];
}

function defaultCell(row: SettingRow<unknown>): string {
  if (row.defaultText !== undefined) return row.defaultText;
  return `\`${String(row.default)}\``;
}
