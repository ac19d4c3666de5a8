import { getJson } from './api.js';
import { createDeliveriesPanel } from './deliveries.js';
import { createDlqPanel } from './dlq.js';
import { createPipelinePanel } from './pipeline.js';
import { createQuarantinePanel } from './quarantine.js';
import { setUpSend } from './send.js';

const panels = {
  deliveries: createDeliveriesPanel(),
  pipeline: createPipelinePanel(),
  dlq: createDlqPanel(),
  quarantine: createQuarantinePanel(),
};
let active = 'deliveries';
setUpSend(() => panels.deliveries.refresh());

for (const button of document.querySelectorAll('nav button')) {
  button.addEventListener('click', () => {
    active = button.dataset.tab;
    for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b === button);
    for (const panel of document.querySelectorAll('.panel')) panel.classList.toggle('active', panel.id === `panel-${active}`);
    void panels[active]?.refresh(true);
  });
}

const status = document.getElementById('processor-status');
const dlqCount = document.getElementById('dlq-count');

/** Refreshes the header and the open tab; once a second. */
async function tick() {
  try {
    const [processor, stats] = await Promise.all([getJson('/_local/processor'), getJson('/_local/stats')]);
    const failed = processor.lastReloadError;
    status.className = `pill ${failed ? 'failed' : processor.generation > 1 ? 'reloaded' : ''}`;
    status.textContent = failed
      ? `reload failed (${failed.file}): ${failed.name}: ${failed.message}; previous code running`
      : processor.hotReload
        ? `processor v${processor.generation} loaded ${new Date(processor.loadedAt).toLocaleTimeString([], { hour12: false })}${processor.changedFile ? ` (${processor.changedFile})` : ''}`
        : 'processor (no hot reload)';
    status.dataset.generation = String(processor.generation);
    dlqCount.textContent = String(stats.dlq);
    dlqCount.classList.toggle('alert', stats.dlq > 0);
    await panels[active]?.refresh();
  } catch (error) {
    status.className = 'pill failed';
    status.textContent = `pipeline unreachable: ${error.message}`;
  }
}

async function loop() {
  await tick();
  setTimeout(loop, 1000);
}
void loop();
