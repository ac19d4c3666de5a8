import { getJson, post } from './api.js';
import { clock, h, short } from './dom.js';

/**
 * The Quarantine tab: the signed deliveries the receiver stored because it could not process them
 * (docs/quarantine.md), with why; requeue one or all once the cause is fixed.
 */
export function createQuarantinePanel() {
  const body = document.querySelector('#quarantine-table tbody');
  const result = document.getElementById('quarantine-result');
  const requeue = async (label, keys) => {
    result.textContent = `${label}…`;
    try {
      const outcomes = await post('/_local/quarantine/requeue', keys ? { keys } : {});
      const requeued = outcomes.filter((outcome) => outcome.outcome === 'requeued').length;
      const kept = outcomes.filter((outcome) => outcome.outcome !== 'requeued');
      result.textContent = `${label}: ${requeued} requeued${kept.length ? `, ${kept.length} still quarantined (${kept.map((o) => o.reason ?? o.why).join(', ')})` : ''}`;
    } catch (error) {
      result.textContent = `${label} failed: ${error.message}`;
    }
    await refresh(true);
  };
  document.getElementById('requeue-all').addEventListener('click', () => requeue('Requeue all'));

  let listedAt = 0;

  async function refresh(force = false) {
    if (!force && Date.now() - listedAt < 3000) return;
    listedAt = Date.now();
    const entries = await getJson('/_local/quarantine');
    body.replaceChildren(
      ...entries.map((entry) =>
        h('tr', { 'data-key': entry.key },
          h('td', { class: 'reason' }, entry.reason),
          h('td', {}, clock(new Date(entry.receivedAt).toISOString())),
          h('td', { class: 'mono', title: entry.eventId ?? '' }, entry.eventId ? short(entry.eventId, 13) : '-'),
          h('td', {}, String(entry.bytes)),
          h('td', { class: 'mono preview', title: entry.key }, entry.preview),
          h('td', {}, h('button', { class: 'requeue-one', onclick: () => requeue(`Requeue ${short(entry.key.split('/').pop())}`, [entry.key]) }, 'Requeue')),
        ),
      ),
    );
    if (entries.length === 0) body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'Nothing is quarantined.')));
  }
  return { refresh };
}
