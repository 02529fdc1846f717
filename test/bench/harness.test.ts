// The benchmark harness at smoke size: every piece produces numbers and BENCHMARKS.md takes
// its shape. ddclient and inadyn are treated as not installed (as on CI), so the "missing"
// message is what is checked for them; the real comparison is `npm run bench`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDaemonIdle, renderDaemonIdle } from '../../bench/daemon-idle.js';
import { benchDaemonLatency, renderDaemonLatency } from '../../bench/daemon-latency.js';
import { benchEventLog, renderEventLog } from '../../bench/event-log.js';
import { CLI_ENTRY } from '../../bench/ipcheck-command.js';
import { describeMachine } from '../../bench/machine.js';
import { describeMemoryProbe, findMemoryProbe } from '../../bench/measured-process.js';
import { benchOneShot, renderOneShot } from '../../bench/one-shot.js';
import { locatePeers, PEER_INSTALL_COMMAND } from '../../bench/peers.js';
import { renderReport } from '../../bench/report.js';
import { runLogScanIfPresent } from '../../bench/run.js';
import { benchStartupProfile, renderStartupProfile } from '../../bench/startup-profile.js';
import { quantile, summarize } from '../../bench/statistics.js';

const noPeers = locatePeers(() => undefined);
const probe = findMemoryProbe();
const sections: string[] = [];
let workDir = '';

before(() => {
  assert.ok(existsSync(CLI_ENTRY), `${CLI_ENTRY} is missing: run \`npm run build\` (npm test does) before this test`);
  workDir = mkdtempSync(join(tmpdir(), 'ipcheck-bench-test-'));
});
after(() => rmSync(workDir, { recursive: true, force: true }));

describe('statistics', () => {
  test('median, quartiles and extremes of a small sample', () => {
    const summary = summarize([5, 1, 4, 2, 3]);
    assert.deepEqual(summary && { median: summary.median, p25: summary.p25, p75: summary.p75, min: summary.min, max: summary.max, n: summary.n },
      { median: 3, p25: 2, p75: 4, min: 1, max: 5, n: 5 });
    assert.equal(quantile([10, 20], 0.5), 15);
    assert.equal(summarize([]), undefined);
  });
});

describe('the harness at smoke size', () => {
  test('one-shot: ipcheck and node -e 0 are timed, the missing peers are named with their install command', async () => {
    const result = await benchOneShot({ rounds: 1, workDir: join(workDir, 'one-shot'), peers: noPeers, probe });
    const ipcheck = result.clients.find((c) => c.name === 'ipcheck');
    const floor = result.clients.find((c) => c.name === 'node -e 0');
    assert.equal(ipcheck?.failed, 0, `ipcheck failed: ${ipcheck?.failures.join('; ')}`);
    assert.ok((ipcheck?.wallMs?.median ?? 0) > 0);
    assert.ok((floor?.wallMs?.median ?? 0) > 0);
    assert.ok((ipcheck?.peakRssKiB?.median ?? 0) > 1024, 'a Node process has more than 1 MiB resident');
    assert.deepEqual(result.clients.filter((c) => !c.installed).map((c) => c.name), ['ddclient', 'inadyn']);
    const text = renderOneShot(result);
    assert.match(text, /^## 1\. One-shot update/);
    assert.ok(text.includes(PEER_INSTALL_COMMAND), 'the report says how to install the peers');
    assert.match(text, /ipcheck \/ node -e 0 \| \d+\.\d\dx/);
    sections.push(text);
  });

  test('event log: replay speed, start-up with both logs, and Store.open replays nothing with a current snapshot', async () => {
    const result = await benchEventLog({ workDir: join(workDir, 'event-log'), largeEvents: 2000, smallEvents: 100, replays: 1, startupRounds: 1, probe });
    assert.ok(result.large.events >= 2000 && result.small.events >= 100);
    assert.ok((result.replay.eventsPerSecond?.median ?? 0) > 0);
    assert.deepEqual(result.startup.failures, []);
    assert.ok((result.startup.largeWallMs?.median ?? 0) > 0 && (result.startup.smallWallMs?.median ?? 0) > 0);
    const withSnapshot = result.openings.filter((o) => o.snapshot);
    assert.deepEqual(withSnapshot.map((o) => o.replayedEvents), [0, 0]);
    const rebuilt = result.openings.find((o) => !o.snapshot);
    assert.ok((rebuilt?.replayedEvents ?? 0) >= result.large.events, 'without a snapshot the whole log is replayed');
    const text = renderEventLog(result);
    assert.match(text, /^## 2\. Event log/);
    sections.push(text);
  });

  test('log scan: the hook reports bench/log-scan.ts, or that it is not there', async () => {
    const text = await runLogScanIfPresent(256 * 1024, join(workDir, 'log-scan'), 1);
    assert.match(text, /^## 3\. Log scan/);
    if (existsSync(new URL('../../bench/log-scan.ts', import.meta.url))) assert.doesNotMatch(text, /not written yet/);
    else assert.match(text, /not written yet/);
    sections.push(text);
  });

  test('continuous mode: latency is measured or ipcheck says --daemon is not available; idle peers are reported missing', async () => {
    const latency = await benchDaemonLatency({ workDir: join(workDir, 'daemon'), changes: 2 });
    assert.notEqual(latency.status, 'failed', latency.status === 'failed' ? latency.message : '');
    if (latency.status === 'measured') assert.ok((latency.latencyMs?.median ?? 0) > 0 && latency.missed === 0);
    const idle = await benchDaemonIdle({ workDir: join(workDir, 'daemon'), durationMs: 1000, settleMs: 100, peers: noPeers });
    const ipcheck = idle.clients.find((c) => c.name === 'ipcheck');
    assert.ok(ipcheck?.status === 'measured' || ipcheck?.status === 'not-available', `ipcheck idle: ${ipcheck?.status}: ${ipcheck?.message}`);
    if (ipcheck.status === 'measured') assert.ok((ipcheck.rssKiB?.median ?? 0) > 1024 && ipcheck.cpuPercent !== undefined);
    for (const name of ['ddclient', 'inadyn']) {
      const peer = idle.clients.find((c) => c.name === name);
      assert.equal(peer?.status, 'not-installed');
      assert.ok(peer.message?.includes(PEER_INSTALL_COMMAND));
    }
    const text = ['## 4. Continuous mode', '', renderDaemonLatency(latency), '', renderDaemonIdle(idle)].join('\n');
    assert.match(text, /Reaction latency[\s\S]*Idle daemon/);
    if (latency.status === 'not-available') assert.match(text, /not available yet/);
    sections.push(text);
  });

  test('continuous mode: a build without --daemon is reported "not available yet", not a crash, and the peers are still measured', async () => {
    // What ipcheck printed before continuous mode existed (src/index.ts, before issue 5).
    const withoutDaemon = () => ({
      command: process.execPath,
      args: ['-e', "process.stderr.write('ipcheck: --daemon (continuous mode) is not available in this version yet; run ipcheck from cron or ppp ip-up\\n'); process.exit(1)"],
    });
    const latency = await benchDaemonLatency({ workDir: join(workDir, 'old-daemon'), changes: 2, daemonCommand: withoutDaemon });
    assert.equal(latency.status, 'not-available');
    assert.match(renderDaemonLatency(latency), /\*\*not available yet\*\*[\s\S]*ddclient \(polls[\s\S]*inadyn \(polls/);
    const idle = await benchDaemonIdle({ workDir: join(workDir, 'old-daemon'), durationMs: 200, settleMs: 0, peers: noPeers, daemonCommand: withoutDaemon });
    assert.equal(idle.clients.find((c) => c.name === 'ipcheck')?.status, 'not-available');
    assert.match(renderDaemonIdle(idle), /\| ipcheck \|[^\n]*not available yet/);
  });

  test('start-up profile: the costs of a one-shot run and of each dependency it loads', async () => {
    const result = await benchStartupProfile({ workDir: join(workDir, 'profile'), profiles: 1, importRounds: 1, probe });
    assert.deepEqual(result.failures, []);
    assert.equal(result.profiledRuns, 1);
    assert.ok(result.profile.costs.length > 0 && result.profile.costs.every((c) => c.ms >= 0));
    // The bundle hides package names from the profiler, so every direct dependency is timed alone.
    assert.ok(result.dependencies.some((d) => d.name === 'rxjs'), `rxjs is timed; seen: ${result.dependencies.map((d) => d.name).join(', ')}`);
    assert.ok(result.dependencies.length > 0 && result.dependencies.every((d) => (d.wallMs?.median ?? 0) > 0));
    assert.ok((result.oneShotMs?.median ?? 0) > 0 && (result.liftoffOnlyMs?.median ?? 0) > 0, 'the run with and without --liftoff-only');
    const text = renderStartupProfile(result);
    assert.match(text, /^## 5\. Where the one-shot time goes/);
    sections.push(text);
  });

  test('BENCHMARKS.md: machine, versions, the missing peers, then every section', () => {
    const report = renderReport({
      machine: describeMachine(new Date('2027-01-01T00:00:00Z')),
      quick: true,
      ipcheckVersion: '1.0.0',
      peers: noPeers,
      memoryProbe: describeMemoryProbe(probe),
      sections,
      elapsedMs: 1234,
    });
    assert.match(report, /^# Benchmarks\n/);
    for (const heading of ['## Machine', '| CPU |', '| cores |', '| memory |', '| Node | v', '2027-01-01T00:00:00.000Z', '## 1.', '## 2.', '## 3.', '## 4.', '## 5.', '## Reproduce']) {
      assert.ok(report.includes(heading), `BENCHMARKS.md lacks "${heading}"`);
    }
    assert.match(report, /ddclient and inadyn are not installed[^\n]*apt-get install ddclient inadyn/);
  });
});
