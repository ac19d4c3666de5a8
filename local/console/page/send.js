import { post } from './api.js';

/** Wires the Send buttons; `onSent` lets the Deliveries tab refresh at once. */
export function setUpSend(onSent) {
  const result = document.getElementById('send-result');
  for (const button of document.querySelectorAll('#panel-send button[data-kind]')) {
    button.addEventListener('click', async () => {
      result.textContent = `Sending ${button.dataset.kind}…`;
      try {
        const sent = await post('/_local/send', { kind: button.dataset.kind });
        result.textContent = `${sent.eventType ?? button.dataset.kind} ${sent.eventId ?? ''} → HTTP ${sent.statusCode}\n${sent.body}`;
        onSent(sent);
      } catch (error) {
        result.textContent = `Failed: ${error.message}`;
      }
    });
  }
}
