// The daemon as a child process against the loopback NIC v2 server, following a log file.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { runCli } from '../support/run-cli.js';
import { assertNoSecret, HOSTS, PASSWORD, USER, startWorld, type World } from '../support/world.js';

const A = HOSTS[0] as string;
const MARK = 'pppd[812]: local  IP address';

function daemonArgs(w: World, log: string, extra: string[] = []): string[] {
  return ['--server', w.nic.url, '--dns-server', w.dns.address, '-d', w.dir, '-A', MARK, '--syslog-file', log, '--min-interval', '0', '-v', ...extra, USER, PASSWORD, A];
}

function logLine(address: string): string {
  return `Nov 25 07:30:01 gw ${MARK} ${address}\n`;
}

async function withDaemon(fn: (w: World, d: DaemonProcess, log: string) => Promise<void>, extra: string[] = []): Promise<void> {
  const w = await startWorld();
  const log = join(w.dir, 'messages');
  writeFileSync(log, 'Nov 25 07:00:00 gw kernel: booting\n');
  const d = startDaemon(daemonArgs(w, log, extra));
  try {
    await d.waitForOutput(/RunStarted|started \(daemon\)/);
    await fn(w, d, log);
  } finally {
    d.kill();
    await d.exited().catch(() => undefined);
    await w.close();
  }
}

/** Waits a little and asserts the server received no more requests than `count`. */
async function assertStaysAt(w: World, count: number, ms = 1200): Promise<void> {
  await sleep(ms);
  assert.equal(w.nic.updates().length, count);
}

describe('the daemon', () => {
  test('a log line with a new address is sent once; the same address again and a private one are not', () => withDaemon(async (w, _d, log) => {
    appendFileSync(log, logLine('81.2.69.160'));
    await w.nic.waitForRequests(1, 5000);
    assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.160');
    appendFileSync(log, logLine('81.2.69.160'));
    appendFileSync(log, logLine('192.168.7.7'));
    await assertStaysAt(w, 1);
    appendFileSync(log, logLine('81.2.69.161'));
    await w.nic.waitForRequests(2, 5000);
    assert.equal(w.nic.updates()[1]?.query.get('myip'), '81.2.69.161');
  }));

  test('a fatal reply stops requests until ipcheck clear', () => withDaemon(async (w, d, log) => {
    w.nic.script({ body: 'nohost' });
    appendFileSync(log, logLine('81.2.69.160'));
    await w.nic.waitForRequests(1, 5000);
    await d.waitForOutput(/nohost/);
    appendFileSync(log, logLine('81.2.69.162'));
    await assertStaysAt(w, 1);
    const clear = await runCli(['clear', A, '-d', w.dir]);
    assert.equal(clear.status, 0, clear.stderr);
    assert.match(clear.stdout, /daemon \(pid \d+\)/);
    await d.waitForOutput(/error nohost cleared/);
    appendFileSync(log, logLine('81.2.69.163'));
    await w.nic.waitForRequests(2, 5000);
    assert.equal(w.nic.updates()[1]?.query.get('myip'), '81.2.69.163');
  }));

  test('SIGTERM exits cleanly with the log intact; a restart sends nothing new; a second instance is refused', async () => {
    const w = await startWorld();
    const log = join(w.dir, 'messages');
    writeFileSync(log, logLine('81.2.69.160'));
    try {
      const first = startDaemon(daemonArgs(w, log));
      await w.nic.waitForRequests(1, 5000);
      await first.waitForOutput(/good 81\.2\.69\.160/);
      const second = await runCli(['--daemon', ...daemonArgs(w, log)]);
      assert.equal(second.status, 1);
      assert.match(second.stderr, new RegExp(`pid ${first.child.pid}`));
      const started = Date.now();
      first.child.kill('SIGTERM');
      const exit = await first.exited(3000);
      assert.equal(exit.code, 0, first.output());
      assert.ok(Date.now() - started < 1500, 'stops within about a second');
      const lines = readFileSync(join(w.dir, 'ipcheck.events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string });
      assert.equal(lines.at(-1)?.type, 'RunFinished');
      assert.match(String(lines.at(-1)?.message), /SIGTERM/);
      assert.equal(existsSync(join(w.dir, 'ipcheck.lock')), false, 'the lock is released');

      const restarted = startDaemon(daemonArgs(w, log));
      await restarted.waitForOutput(/already has 81\.2\.69\.160|started \(daemon\)/);
      await assertStaysAt(w, 1, 1500);
      restarted.child.kill('SIGINT');
      assert.equal((await restarted.exited(3000)).code, 0);
      assertNoSecret({ status: 0, stdout: first.output() + restarted.output(), stderr: '' }, w.dir);
    } finally {
      await w.close();
    }
  });

  test('SIGUSR1 re-checks now and a wait ends on a timer', () => withDaemon(async (w, d, log) => {
    w.nic.script({ body: 'w2s' });
    appendFileSync(log, logLine('81.2.69.160'));
    await w.nic.waitForRequests(1, 5000);
    await d.waitForOutput(/asked to wait \(w2s\)/);
    // The wait ends by itself after 2 s and the pending update is then sent.
    await w.nic.waitForRequests(2, 6000);
    assert.equal(w.nic.updates()[1]?.query.get('myip'), '81.2.69.160');
    d.child.kill('SIGUSR1');
    await d.waitForOutput(/SIGUSR1/);
    await assertStaysAt(w, 2, 800);
  }));

  test('a deleted ipcheck.err is noticed while running', () => withDaemon(async (w, d, log) => {
    w.nic.script({ status: 401, body: 'badauth' });
    appendFileSync(log, logLine('81.2.69.160'));
    await d.waitForOutput(/badauth/);
    appendFileSync(log, logLine('81.2.69.161'));
    await assertStaysAt(w, 1);
    rmSync(join(w.dir, 'ipcheck.err'));
    await d.waitForOutput(/ipcheck\.err was removed/);
    appendFileSync(log, logLine('81.2.69.164'));
    await w.nic.waitForRequests(2, 5000);
  }));
});

describe('the daemon with several accounts', () => {
  test('one daemon serves two providers from one --config file, each with its own state and gates', async () => {
    const home = await startWorld();
    const work = await startWorld([{ username: 'bob', password: 'W0rk-pw-5531', hosts: ['w.example.net'] }]);
    const log = join(home.dir, 'messages');
    writeFileSync(log, '');
    const config = join(home.dir, 'ipcheck.conf');
    writeFileSync(config, [
      '[ipcheck]',
      `syslog-text = ${MARK}`,
      `syslog-file = ${log}`,
      'min-interval = 0',
      '',
      '[account home]',
      `server = ${home.nic.url}`,
      `dns-server = ${home.dns.address}`,
      `opt_username = ${USER}`,
      `opt_password = ${PASSWORD}`,
      `opt_hostnames = ${A}`,
      '',
      '[account work]',
      `server = ${work.nic.url}`,
      `dns-server = ${work.dns.address}`,
      'username = bob',
      'password = W0rk-pw-5531',
      'hostnames = w.example.net',
      '',
    ].join('\n'), { mode: 0o600 });
    const d = startDaemon(['--config', config, '-d', home.dir, '-v']);
    try {
      await d.waitForOutput(/\[work\] ipcheck [\d.]+ started/);
      work.nic.script({ body: 'nohost' });
      appendFileSync(log, logLine('81.2.69.160'));
      await home.nic.waitForRequests(1, 5000);
      await work.nic.waitForRequests(1, 5000);
      assert.equal(home.nic.updates()[0]?.query.get('hostname'), A);
      assert.equal(work.nic.updates()[0]?.username, 'bob');
      await d.waitForOutput(/\[work\] .*nohost/);
      assert.ok(existsSync(join(home.dir, 'work', 'ipcheck.err')), 'the work account is stopped');
      assert.equal(existsSync(join(home.dir, 'home', 'ipcheck.err')), false, 'the home account is not');
      appendFileSync(log, logLine('81.2.69.161'));
      await home.nic.waitForRequests(2, 5000);
      await assertStaysAt(work, 1, 800);
      d.child.kill('SIGTERM');
      assert.equal((await d.exited(3000)).code, 0);
      assert.ok(!d.output().includes(PASSWORD) && !d.output().includes('W0rk-pw-5531'));
    } finally {
      d.kill();
      await home.close();
      await work.close();
    }
  });

  test('--sources states the chain: the web page comes first here, the log is the fallback', async () => {
    const w = await startWorld();
    const log = join(w.dir, 'messages');
    writeFileSync(log, logLine('81.2.69.160'));
    const d = startDaemon(daemonArgs(w, log, ['--sources', 'web,syslog', '-r', 'http://127.0.0.1:1/']));
    try {
      // The web page is unreachable: the chain moves on to the log, and says why.
      await d.waitForOutput(/detection moved from web http:\/\/127\.0\.0\.1:1\/ to system log/);
      await w.nic.waitForRequests(1, 5000);
      assert.equal(w.nic.updates()[0]?.query.get('myip'), '81.2.69.160');
    } finally {
      d.kill();
      await w.close();
    }
  });
});

test('SIGHUP with a changed configuration lifts a latch, and ipcheck.err follows at once', async () => {
  const w = await startWorld();
  const log = join(w.dir, 'messages');
  writeFileSync(log, '');
  const config = join(w.dir, 'ipcheck.conf');
  const write = (extra: string) => writeFileSync(config, [
    '[ipcheck]', `server = ${w.nic.url}`, `dns-server = ${w.dns.address}`, `syslog-text = ${MARK}`, `syslog-file = ${log}`,
    'min-interval = 0', `username = ${USER}`, `password = ${PASSWORD}`, `hostnames = ${A}`, extra, '',
  ].join('\n'), { mode: 0o600 });
  write('');
  const d = startDaemon(['--config', config, '-d', w.dir, '-v']);
  try {
    await d.waitForOutput(/started \(daemon\)/);
    w.nic.script({ body: 'nohost' });
    appendFileSync(log, logLine('81.2.69.160'));
    await d.waitForOutput(/nohost/);
    assert.equal(readFileSync(join(w.dir, 'ipcheck.err'), 'utf8'), `nohost ${A}\n`);
    write('custom = 1');
    d.child.kill('SIGHUP');
    await d.waitForOutput(/cleared \(SIGHUP with a changed configuration\)/);
    assert.equal(existsSync(join(w.dir, 'ipcheck.err')), false, 'ipcheck.err no longer holds the lifted latch');
    appendFileSync(log, logLine('81.2.69.165'));
    await w.nic.waitForRequests(2, 5000);
    assert.equal(w.nic.updates()[1]?.query.get('system'), 'custom');
  } finally {
    d.kill();
    await w.close();
  }
});
