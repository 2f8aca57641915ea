/**
 * The store-comparison chart, as a self-contained SVG (no chart library): horizontal bars on a log
 * scale with interquartile-range whiskers. Panels: findToken and saveToken latency per store (tokenstore, the raw
 * driver floor, the Zoho-style baseline), and findToken latency against the number of stored tokens.
 */
import type { Summary } from '../lib/stats.js';
import { fmtLatency } from '../lib/stats.js';

export interface Bar {
  label: string;
  series: string;
  value: Summary;
}
export interface Panel {
  title: string;
  groups: { name: string; bars: Bar[] }[];
}

const COLORS: Record<string, string> = {
  tokenstore: '#2563eb',
  'raw driver': '#9ca3af',
  'Zoho-style': '#dc2626',
  '1k': '#93c5fd',
  '5k': '#60a5fa',
  '10k': '#60a5fa',
  '20k': '#3b82f6',
  '100k': '#2563eb',
  '1M': '#1e3a8a',
};
const color = (series: string) => COLORS[series] ?? '#6b7280';
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart(title: string, subtitle: string, panels: readonly Panel[]): string {
  const width = 960;
  const left = 150;
  const right = 150;
  const plotW = width - left - right;
  const barH = 14;
  const gap = 4;
  const groupGap = 12;
  const all = panels.flatMap((p) => p.groups.flatMap((g) => g.bars.flatMap((b) => [b.value.p25, b.value.p75, b.value.median]))).filter((v) => v > 0 && Number.isFinite(v));
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60"><text x="10" y="30">no data</text></svg>`;
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const x = (v: number) => left + (plotW * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const parts: string[] = [];
  let y = 56;
  parts.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escape(title)}</text>`);
  parts.push(`<text x="${width / 2}" y="42" text-anchor="middle" font-size="11" fill="#555">${escape(subtitle)}</text>`);
  for (const panel of panels) {
    y += 18;
    parts.push(`<text x="10" y="${y}" font-size="13" font-weight="bold">${escape(panel.title)}</text>`);
    y += 8;
    const top = y;
    const size = (label: string) => {
      const m = /^(\d+(?:\.\d+)?)(k|M)?$/.exec(label);
      return m ? Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1) : NaN;
    };
    const series = [...new Set(panel.groups.flatMap((g) => g.bars.map((b) => b.series)))];
    if (series.every((x) => Number.isFinite(size(x)))) series.sort((a, b) => size(a) - size(b));
    for (const group of panel.groups) {
      const h = group.bars.length * (barH + gap);
      parts.push(`<text x="${left - 8}" y="${y + h / 2 + 4}" text-anchor="end" font-size="12">${escape(group.name)}</text>`);
      for (const bar of group.bars) {
        const v = bar.value;
        parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(v.median) - left).toFixed(1)}" height="${barH}" fill="${color(bar.series)}"><title>${escape(`${group.name} ${bar.label}: ${fmtLatency(v.median)} (IQR ${fmtLatency(v.p25)}-${fmtLatency(v.p75)}, min ${fmtLatency(v.min)}, max ${fmtLatency(v.max)})`)}</title></rect>`);
        const cy = y + barH / 2;
        parts.push(`<line x1="${x(v.p25).toFixed(1)}" x2="${x(v.p75).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#111" stroke-width="1.5"/>`);
        parts.push(`<text x="${(Math.max(x(v.median), x(v.p75)) + 6).toFixed(1)}" y="${cy + 4}" font-size="10" fill="#333">${escape(`${bar.label} ${fmtLatency(v.median)}`)}</text>`);
        y += barH + gap;
      }
      y += groupGap;
    }
    // Log grid.
    for (let d = lo; d <= hi; d *= 10) {
      parts.push(`<line x1="${x(d).toFixed(1)}" x2="${x(d).toFixed(1)}" y1="${top - 4}" y2="${y - groupGap}" stroke="#ddd" stroke-dasharray="2,3"/>`);
      parts.push(`<text x="${x(d).toFixed(1)}" y="${y - groupGap + 12}" text-anchor="middle" font-size="10" fill="#555">${fmtLatency(d)}</text>`);
    }
    y += 10;
    let lx = left;
    for (const s of series) {
      parts.push(`<rect x="${lx}" y="${y}" width="10" height="10" fill="${color(s)}"/><text x="${lx + 14}" y="${y + 9}" font-size="11">${escape(s)}</text>`);
      lx += 24 + s.length * 7;
    }
    y += 22;
  }
  parts.push(`<text x="10" y="${y + 6}" font-size="10" fill="#555">Bars: median latency per call (log scale); whiskers: interquartile range over the repetitions.</text>`);
  y += 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}
