// How figures are written in BENCHMARKS.md: the same units and the same "median (spread)"
// shape everywhere, so tables can be compared at a glance.
import type { Summary } from './statistics.js';

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatKiB(kib: number): string {
  if (!Number.isFinite(kib)) return '–';
  return kib >= 1024 ? `${(kib / 1024).toFixed(1)} MiB` : `${kib.toFixed(0)} KiB`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(2)}x`;
}

/** "412 ms (p25–p75 398–430 ms)": the median and the interquartile range. */
export function medianWithSpread(summary: Summary | undefined, unit: (value: number) => string): string {
  if (!summary) return '–';
  if (summary.n === 1) return `${unit(summary.median)} (1 run)`;
  return `${unit(summary.median)} (p25–p75 ${unit(summary.p25)}–${unit(summary.p75)})`;
}

/** "40.1 MiB (min–max 39.8–40.3 MiB)": for memory, where the extremes matter more than quartiles. */
export function medianWithRange(summary: Summary | undefined, unit: (value: number) => string): string {
  if (!summary) return '–';
  if (summary.n === 1) return `${unit(summary.median)} (1 run)`;
  return `${unit(summary.median)} (min–max ${unit(summary.min)}–${unit(summary.max)})`;
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `| ${header.map(escape).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return lines.join('\n');
}
