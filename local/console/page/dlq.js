import { getJson, post } from './api.js';
import { clock, h, short } from './dom.js';

/** The DLQ tab: each message with its last error; redrive one or all; purge with a confirmation. */
export function createDlqPanel() {
  const body = document.querySelector('#dlq-table tbody');
  const result = document.getElementById('dlq-result');
  const act = async (label, path, payload) => {
    result.textContent = `${label}…`;
    try {
      const answer = await post(path, payload);
      result.textContent = answer.mode === 'manual' ? `${label}: moved ${answer.moved}, ${answer.kept} left` : `${label}: done`;
    } catch (error) {
      result.textContent = `${label} failed: ${error.message}`;
    }
    await refresh(true);
  };
  document.getElementById('redrive-all').addEventListener('click', () => act('Redrive all', '/_local/dlq/redrive', {}));
  document.getElementById('purge').addEventListener('click', () => {
    if (window.confirm('Delete every message in the DLQ? This cannot be undone.')) act('Purge', '/_local/dlq/purge', {});
  });

  // Each listing peeks (receives, then releases) the DLQ: every few seconds is enough.
  let listedAt = 0;

  async function refresh(force = false) {
    if (!force && Date.now() - listedAt < 3000) return;
    listedAt = Date.now();
    const entries = await getJson('/_local/dlq');
    body.replaceChildren(
      ...entries.map((entry) =>
        h('tr', { 'data-event-id': entry.eventId },
          h('td', { class: 'mono', title: entry.eventId }, short(entry.eventId, 13)),
          h('td', {}, entry.eventType),
          h('td', { class: 'mono', title: entry.vehicleId }, short(entry.vehicleId)),
          h('td', {}, entry.sentAt === '-' ? '-' : clock(entry.sentAt)),
          h('td', {}, String(entry.receiveCount)),
          h('td', { class: 'last-error' }, entry.lastError ? `${entry.lastError.name}: ${entry.lastError.message}` : '-'),
          h('td', {}, h('button', { class: 'redrive-one', onclick: () => act(`Redrive ${short(entry.eventId)}`, '/_local/dlq/redrive', { eventIds: [entry.eventId] }) }, 'Redrive')),
        ),
      ),
    );
    if (entries.length === 0) body.append(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'The DLQ is empty.')));
  }
  return { refresh };
}
