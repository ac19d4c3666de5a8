import { getJson, post } from './api.js';
import { clock, h, short } from './dom.js';

const STEP_TEXT = {
  processed: 'processed',
  duplicate: 'duplicate: already processed, skipped',
  ignored: 'acknowledged without a handler',
  failed: 'attempt failed',
  dlq: 'moved to the DLQ (last allowed receive failed)',
  redriven: 'redriven from the DLQ',
  replayed: 'replayed from the archive (npm run replay)',
};

/** The Deliveries tab: the latest deliveries, filters, and one delivery's detail. */
export function createDeliveriesPanel() {
  const body = document.querySelector('#deliveries-table tbody');
  const detail = document.getElementById('delivery-detail');
  const filters = document.getElementById('delivery-filters');
  const total = document.getElementById('delivery-total');
  let selected; // { id, eventId }
  filters.addEventListener('input', () => refresh());
  filters.addEventListener('submit', (event) => event.preventDefault());

  // Re-rendered only when the data changed, so reading a long body is not scrolled away each second.
  let shownList = '';
  let shownDetail = '';

  async function refresh() {
    const query = new URLSearchParams([...new FormData(filters)].filter(([, value]) => value !== ''));
    const deliveries = await getJson(`/_local/deliveries?${query}`);
    const key = JSON.stringify(deliveries);
    if (key !== shownList) {
      shownList = key;
      total.textContent = `${deliveries.length} shown`;
      body.replaceChildren(...deliveries.map(row));
    }
    if (selected) await showDetail(selected);
  }

  function row(delivery) {
    return h('tr', {
      'data-event-id': delivery.eventId ?? '',
      'data-id': delivery.id,
      'data-replayed': delivery.replayIds ? String(delivery.replayIds.length) : undefined,
      'data-from-archive': delivery.fromArchive?.source,
      class: selected?.id === delivery.id ? 'selected' : undefined,
      onclick: () => select(delivery),
    },
      h('td', { class: 'mono' }, clock(delivery.at)),
      h('td', {}, delivery.path.endsWith('/errors') ? 'error' : 'data'),
      h('td', { class: `http-${String(delivery.statusCode)[0]}` }, `${delivery.statusCode} ${delivery.code ?? ''}`),
      h('td', {}, delivery.eventType ?? '-'),
      h('td', { class: 'mono', title: delivery.eventId }, short(delivery.eventId, 13), replayedBadge(delivery.replayIds), archiveBadge(delivery.fromArchive)),
      h('td', { class: 'mono', title: delivery.vehicleId }, short(delivery.vehicleId)),
      h('td', {}, String(delivery.latencyMs)),
      h('td', { class: `processing state-${delivery.processing}` }, delivery.processing),
    );
  }

  async function select(delivery) {
    selected = { id: delivery.id, eventId: delivery.eventId };
    for (const tr of body.querySelectorAll('tr')) tr.classList.toggle('selected', tr.dataset.id === delivery.id);
    await showDetail(selected);
  }

  async function showDetail({ id, eventId }) {
    const event = eventId ? await getJson(`/_local/deliveries/${encodeURIComponent(eventId)}`).catch(() => undefined) : undefined;
    const delivery = event?.deliveries.find((d) => d.id === id) ?? event?.deliveries[0];
    if (!delivery) return;
    const key = JSON.stringify([id, event]);
    if (key === shownDetail) return;
    shownDetail = key;
    // replaceChildren writes `undefined` as text: the optional parts are filtered out first.
    detail.replaceChildren(...[
      h('h2', {}, `${delivery.eventType ?? 'Request'} `, h('span', { class: 'mono muted' }, eventId ?? '')),
      h('div', {}, 'Processing: ', h('strong', { id: 'detail-processing', class: `state-${event.processing}` }, event.processing),
        ` · idempotency record: ${event.status}`),
      h('div', { class: 'toolbar' },
        h('button', { id: 'resend', onclick: () => resend(delivery.id) }, 'Re-send this delivery'),
        h('span', { id: 'resend-result', class: 'muted' })),
      h('h3', {}, 'What the processor did'),
      h('ol', { class: 'steps', id: 'detail-steps' }, ...(event.steps.length ? event.steps.map(step) : [h('li', { class: 'muted' }, 'nothing yet')])),
      delivery.fromArchive ? h('p', { id: 'detail-from-archive', class: 'from-archive' },
        `Copied from the archive of ${delivery.fromArchive.source} (npm run replay --into-local, run ${delivery.fromArchive.replayId}): `
        + `received there at ${delivery.fromArchive.receivedAt}${delivery.fromArchive.deliveryId ? `, deliveryId ${delivery.fromArchive.deliveryId}` : ''}. `
        + 'It went into the local queue as the stack\'s receiver enqueued it, without the local receiver.') : undefined,
      h('h3', {}, `Request · ${delivery.path}`),
      h('pre', { class: 'mono' }, Object.entries(delivery.requestHeaders).map(([k, v]) => `${k}: ${v}`).join('\n')),
      h('pre', { class: 'mono', id: 'detail-body' }, pretty(delivery.requestBody) + (delivery.bodyTruncated ? '\n… (cut at 64 KiB)' : '')),
      ...(delivery.fromArchive
        ? [h('h3', {}, `Answer · HTTP ${delivery.statusCode} from ${archiveStack(delivery.fromArchive)}'s receiver`)]
        : [h('h3', {}, `Answer · HTTP ${delivery.statusCode} in ${delivery.latencyMs} ms`),
          h('pre', { class: 'mono' }, pretty(delivery.responseBody))]),
      event.deliveries.length > 1 ? h('p', { class: 'muted' }, `${event.deliveries.length} deliveries carried this eventId (Smartcar retries share it).`) : undefined,
    ].filter((child) => child !== undefined));
  }

  function step(s) {
    const text = `${clock(s.at)}  ${STEP_TEXT[s.kind] ?? s.kind}${s.kind === 'replayed' ? `, run ${s.replayId}` : ''}${s.attempt ? ` (attempt ${s.attempt})` : ''}${s.ms !== undefined ? `, ${s.ms} ms` : ''}${s.staleSignals ? `, ${s.staleSignals} stale signal(s) skipped` : ''}`;
    // Attempts of a replay run carry its id: indented under their `replayed` step.
    return h('li', { class: `step step-${s.kind}`, 'data-replay-id': s.replayId, title: s.replayId ? `replay run ${s.replayId}` : undefined },
      text, s.error ? h('div', { class: 'error mono' }, `${s.error.name}: ${s.error.message}`) : undefined);
  }

  async function resend(id) {
    const result = document.getElementById('resend-result');
    try {
      const sent = await post('/_local/resend', { id });
      result.textContent = `re-sent: HTTP ${sent.statusCode}`;
    } catch (error) {
      result.textContent = `failed: ${error.message}`;
    }
    await refresh();
  }

  return { refresh };
}

/** The mark of a replayed event in the list: how many replay runs sent it again. */
function replayedBadge(replayIds) {
  if (!replayIds) return undefined;
  return h('span', { class: 'badge replayed', title: `replayed by ${replayIds.join(', ')}` },
    replayIds.length > 1 ? `replayed ×${replayIds.length}` : 'replayed');
}

/** The mark of an event copied from a deployed stack's archive: the stack and window it came from. */
function archiveBadge(fromArchive) {
  if (!fromArchive) return undefined;
  const stack = archiveStack(fromArchive);
  return h('span', {
    class: 'badge from-archive',
    title: `${fromArchive.source}; received there ${fromArchive.receivedAt}${fromArchive.deliveryId ? `, deliveryId ${fromArchive.deliveryId}` : ''}`,
  }, `from ${stack}`);
}

/** The stack a copied delivery came from (its source is `stack NAME FROM/TO`). */
function archiveStack(fromArchive) {
  return /^stack (\S+)/.exec(fromArchive.source)?.[1] ?? fromArchive.source;
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
