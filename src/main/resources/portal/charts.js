// Time-series charts with uPlot (from its WebJar, loaded by index.html as window.uPlot).
import { h } from './dom.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/**
 * A line chart in a <figure>: `xs` are Unix seconds, `series` [{label, values}] of the same length.
 * The figure says in words what it shows (for screen readers and when the chart cannot draw).
 */
export function lineChart(title, xs, series, { unit = '' } = {}) {
  const total = series.reduce((sum, s) => sum + s.values.reduce((a, v) => a + (v || 0), 0), 0);
  const plot = h('div', { class: 'chart', role: 'img',
    'aria-label': `${title}: ${series.map((s) => s.label).join(', ') || 'no data'}; total ${round(total)}${unit}` });
  const fig = h('figure', { class: 'chart-card', 'data-chart': title, 'data-total': String(total) },
    h('figcaption', {}, title), plot);
  if (!xs.length) {
    plot.append(h('p', { class: 'muted' }, 'No data in this range.'));
    return fig;
  }
  // Drawn once the figure is in the page, at the width it got.
  requestAnimationFrame(() => {
    if (!window.uPlot) { plot.append(h('p', { class: 'muted' }, 'Charts unavailable.')); return; }
    const width = Math.max(260, plot.clientWidth || 600);
    const opts = {
      width, height: 220,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: xs.length < 60 } }))],
      axes: [{}, { size: 60 }],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    };
    const chart = new window.uPlot(opts, [xs, ...series.map((s) => s.values)], plot);
    fig.dataset.drawn = 'true';
    new ResizeObserver(() => { const w = plot.clientWidth; if (w > 0) chart.setSize({ width: w, height: 220 }); }).observe(plot);
  });
  return fig;
}

function round(v) {
  return Math.abs(v) < 1 ? Number(v.toPrecision(3)) : Math.round(v * 100) / 100;
}
