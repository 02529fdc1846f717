// Section 3 of BENCHMARKS.md from what bench/log-scan.ts measured: one { ipcheckMs, tacGrepMs }
// per call, tabulated as medians; any other shape is shown as it came.
import { formatBytes, formatMs, formatRatio, markdownTable, medianWithSpread } from './report-format.js';
import { ratio, summarize } from './statistics.js';

interface LogScanTiming {
  readonly ipcheckMs: number;
  readonly tacGrepMs: number;
}

function isLogScanTiming(value: unknown): value is LogScanTiming {
  const candidate = value as Partial<LogScanTiming> | null;
  return typeof candidate?.ipcheckMs === 'number' && typeof candidate.tacGrepMs === 'number';
}

function heading(sizeBytes: number): string {
  return `## 3. Log scan (-A on a ${formatBytes(sizeBytes)} log): ipcheck vs \`tac | grep -m1\``;
}

export function logScanNotMeasured(sizeBytes: number, why: string): string {
  return `${heading(sizeBytes)}\n\nNot measured: ${why}.`;
}

export function renderLogScan(sizeBytes: number, results: readonly unknown[]): string {
  if (!results.every(isLogScanTiming)) return `${heading(sizeBytes)}\n\n\`\`\`json\n${JSON.stringify(results, null, 2)}\n\`\`\``;
  const ipcheck = summarize(results.map((r) => r.ipcheckMs));
  const tacGrep = summarize(results.map((r) => r.tacGrepMs));
  const runs = results.length;
  return [
    heading(sizeBytes),
    '',
    'bench/log-scan.ts writes a syslog-like file with the last `local  IP address` line near its end, then times ' +
      "ipcheck's backwards scan (findLastMatch) and `tac FILE | grep -m1 -F TEXT`; both must find the same line. " +
      `${runs} run${runs === 1 ? '' : 's'}, each on a freshly written file (so both read from the page cache).`,
    '',
    markdownTable(['scan', 'time, median (p25–p75)'], [
      ['ipcheck (findLastMatch, backwards)', medianWithSpread(ipcheck, formatMs)],
      ['tac | grep -m1', medianWithSpread(tacGrep, formatMs)],
    ]),
    '',
    `ipcheck / tac | grep: ${formatRatio(ratio(ipcheck, tacGrep))}.`,
  ].join('\n');
}
