import { getJson, post } from './api.js';

/** Wires the Send buttons and the signal picker; `onSent` lets the Deliveries tab refresh at once. */
export function setUpSend(onSent) {
  const result = document.getElementById('send-result');
  const picker = document.getElementById('send-signals');
  fillPicker(picker).catch((error) => {
    picker.title = `Signal catalogue unavailable: ${error.message}`;
  });

  const send = async (kind, signals) => {
    result.textContent = `Sending ${kind}…`;
    try {
      const sent = await post('/_local/send', signals ? { kind, signals } : { kind });
      result.textContent = `${sent.eventType ?? kind} ${sent.eventId ?? ''} → HTTP ${sent.statusCode}\n${sent.body}`;
      onSent(sent);
    } catch (error) {
      result.textContent = `Failed: ${error.message}`;
    }
  };

  for (const button of document.querySelectorAll('#panel-send button[data-kind]')) {
    button.addEventListener('click', () => {
      const chosen = [...picker.selectedOptions].map((option) => option.value);
      send(button.dataset.kind, button.dataset.kind === 'state' && chosen.length ? chosen : undefined);
    });
  }
  document.getElementById('send-signals-all').addEventListener('click', () => send('state', 'all'));
  document.getElementById('send-signals-clear').addEventListener('click', () => {
    for (const option of picker.options) option.selected = false;
  });
}

/** One option per catalogue signal, grouped as Smartcar's reference groups them. */
async function fillPicker(picker) {
  const signals = await getJson('/_local/signals');
  const groups = new Map();
  for (const signal of signals) {
    if (!groups.has(signal.group)) {
      const optgroup = document.createElement('optgroup');
      optgroup.label = signal.group;
      groups.set(signal.group, optgroup);
      picker.append(optgroup);
    }
    const option = document.createElement('option');
    option.value = signal.code;
    option.textContent = `${signal.name} (${signal.code})`;
    option.title = signal.doc;
    groups.get(signal.group).append(option);
  }
}
