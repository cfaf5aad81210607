// uPlot wrappers shared by the charts and forecast pages. Every chart is
// paired with a table (the text alternative), built by the page.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { t, date, dayMonth, num } from './i18n.js';

const isoDay = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);

export const kPalette = ['#0b57a4', '#b3261e', '#176b34', '#8a5300', '#6a3d9a', '#00727a', '#5c6670', '#a3195b'];

/** Seconds since the epoch at 00:00 UTC of a YYYY-MM-DD date. */
export function epoch(day) {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

export function chartWidth(el) {
  return Math.max(280, Math.min(1000, (el.clientWidth || el.parentElement.clientWidth || 600)));
}

/**
 * Draws a uPlot chart into el. series: [{label, values, color, stepped,
 * fill, dash}]; xs: epoch seconds. opts: {height, yLabel, yValues (tick
 * formatter), bands: [[upperIndex, lowerIndex], ...] (1-based series)}.
 */
export function lineChart(el, xs, series, opts = {}) {
  const stepped = uPlot.paths.stepped({ align: 1 });
  const o = {
    width: chartWidth(el),
    height: opts.height || 260,
    scales: { x: { time: true }, y: opts.yRange ? { range: opts.yRange } : {} },
    // uPlot draws its own English dates ("Jan", "1/12/23") and the browser's
    // number format on the canvas and in the legend: the reader's language
    // instead.
    axes: [
      { values: (u, ticks) => ticks.map((s) => dayMonth(isoDay(s))), space: 70 },
      { label: opts.yLabel || '', values: opts.yValues || ((u, ticks) => ticks.map((v) => num(v, 3))), size: opts.ySize || 60 },
    ],
    // uPlot's x series is labelled "Time" unless told: the date, in words.
    series: [{ label: t('col_date'), value: (u, v) => (v == null ? '—' : date(isoDay(v))) }, ...series.map((s, i) => ({
      label: s.label,
      stroke: s.color || kPalette[i % kPalette.length],
      width: s.width || 2,
      fill: s.fill,
      dash: s.dash,
      paths: s.stepped ? stepped : undefined,
      spanGaps: false,
      value: s.value || ((u, v) => (v == null ? '—' : num(v, 2))),
    }))],
    bands: (opts.bands || []).map(([a, b], i) => ({ series: [a, b], fill: opts.bandFills ? opts.bandFills[i] : 'rgba(11,87,164,0.15)' })),
    legend: { live: true },
  };
  const plot = new uPlot(o, [xs, ...series.map((s) => s.values)], el);
  const resize = () => plot.setSize({ width: chartWidth(el), height: o.height });
  window.addEventListener('resize', resize);
  return plot;
}
