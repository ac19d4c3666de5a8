import { getJson } from './api.js';
import { h } from './dom.js';

const COLORS = ['#0b5cad', '#1a7f37', '#cf222e', '#9a6700', '#8250df', '#bf3989', '#1b7c83', '#57606a'];

/**
 * The Pipeline tab: the dashboard's graphs, drawn with uPlot (served from node_modules) from
 * `GET /_local/metrics`. A chart is rebuilt when its set of lines changes (a new event type).
 */
export function createPipelinePanel() {
  const container = document.getElementById('charts');
  const charts = new Map(); // title -> { plot, labels }

  async function refresh() {
    const data = await getJson('/_local/metrics');
    for (const widget of data.widgets) {
      const labels = widget.series.map((s) => s.label).join('|');
      let chart = charts.get(widget.title);
      if (!chart || chart.labels !== labels) {
        chart?.plot.destroy();
        chart?.box.remove();
        const box = h('div', { class: 'chart', 'data-title': widget.title }, h('h3', {}, widget.title));
        container.append(box);
        const plot = new window.uPlot(
          {
            width: Math.max(400, box.clientWidth - 16),
            height: 200,
            series: [{}, ...widget.series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
            axes: [{}, { size: 50 }],
            scales: { x: { time: true } },
            legend: { live: false },
          },
          [data.times, ...widget.series.map((s) => s.values)],
          box,
        );
        chart = { plot, labels, box };
        charts.set(widget.title, chart);
      } else {
        chart.plot.setData([data.times, ...widget.series.map((s) => s.values)]);
      }
    }
  }
  return { refresh };
}
