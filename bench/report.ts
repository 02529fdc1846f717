// BENCHMARKS.md: the machine and versions first (figures from elsewhere do not compare), then
// one section per benchmark, as each benchmark renders it.
import type { Machine } from './machine.js';
import { missingPeersMessage, PEER_INSTALL_COMMAND, type Peers } from './peers.js';
import { formatBytes, formatMs, markdownTable } from './report-format.js';

export interface ReportInput {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly ipcheckVersion: string;
  readonly peers: Peers;
  readonly memoryProbe: string;
  /** dist/ missing or older than src/. */
  readonly buildProblem?: string;
  /** Markdown sections, in order; each starts with its own "## " heading. */
  readonly sections: readonly string[];
  readonly elapsedMs: number;
  /** Load averages when the run ended. */
  readonly loadAtEnd?: readonly number[];
}

function formatLoad(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(' / ');
}

export function renderReport(input: ReportInput): string {
  const { machine, peers } = input;
  const peerCell = (name: 'ddclient' | 'inadyn'): string => {
    const peer = peers[name];
    return peer ? `${peer.version} (${peer.path})` : `not installed (\`${PEER_INSTALL_COMMAND}\`)`;
  };
  const missing = missingPeersMessage(peers);
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${input.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${machine.date}` +
      `${input.quick ? ': a **quick** smoke-size run, not for comparison' : ''}; the whole run took ${formatMs(input.elapsedMs)}. ` +
      'ipcheck, ddclient and inadyn do the same job against the same loopback NIC v2 server ' +
      '(src/server/nic-server.ts) in one run; every figure is a median with its spread.',
    '',
    ...(input.buildProblem ? [`**${input.buildProblem}.**`, ''] : []),
    ...(missing ? [`**${missing}.**`, ''] : []),
    '## Machine',
    '',
    markdownTable(['', ''], [
      ['CPU', machine.cpuModel],
      ['cores', String(machine.cores)],
      ['memory', formatBytes(machine.memoryBytes)],
      ['OS', machine.os],
      ['load average (1, 5, 15 min)', `${formatLoad(machine.loadAverage)} at the start${input.loadAtEnd ? `, ${formatLoad(input.loadAtEnd)} at the end` : ''}`],
      ['Node', machine.nodeVersion],
      ['ipcheck', input.ipcheckVersion],
      ['ddclient', peerCell('ddclient')],
      ['inadyn', peerCell('inadyn')],
      ['memory measurement', input.memoryProbe],
    ]),
    '',
    ...input.sections.flatMap((section) => [section, '']),
    '## Reproduce',
    '',
    '```sh',
    `${PEER_INSTALL_COMMAND} time   # once (time: GNU /usr/bin/time for peak memory); the bench installs nothing`,
    'npm run build && npm run bench   # under 10 minutes on 2 cores; `npm run bench -- --quick` is a smoke run of under a minute',
    '```',
    '',
  ].join('\n');
}
