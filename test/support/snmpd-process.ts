// Debian's snmpd on a free loopback port, with a config file the test writes: the real agent
// ipcheck users point --snmpget at. CI installs snmpd (.ci/run); a test that needs it fails
// loudly when it is missing instead of skipping.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './free-udp-port.js';

export interface SnmpdProcess {
  readonly port: number;
  readonly community: string;
  /** What snmpd printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export function snmpdPath(): string {
  for (const candidate of ['/usr/sbin/snmpd', '/usr/bin/snmpd']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error('snmpd is not installed: apt-get install snmpd (CI installs it in .ci/run)');
}

/** Waits until something answers on the UDP port: snmpd drops a malformed packet, so ask for real. */
async function waitUntilAnswering(port: number, community: string, timeoutMs: number): Promise<void> {
  const snmp = (await import('net-snmp')).default;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answered = await new Promise<boolean>((resolve) => {
      const session = snmp.createSession('127.0.0.1', community, { port, timeout: 200, retries: 0, version: snmp.Version2c });
      session.on('error', () => undefined);
      session.get(['1.3.6.1.2.1.1.6.0'], (error) => {
        session.close();
        resolve(error === null);
      });
    });
    if (answered) return;
  }
  throw new Error(`snmpd did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function startSnmpd(options: { community: string; sysLocation: string; sysContact: string }): Promise<SnmpdProcess> {
  const binary = snmpdPath();
  const dir = await mkdtemp(join(tmpdir(), 'ipcheck-snmpd-'));
  await mkdir(join(dir, 'persist'));
  const config = join(dir, 'snmpd.conf');
  await writeFile(
    config,
    [
      `[snmp] persistentDir ${join(dir, 'persist')}`,
      `rocommunity ${options.community} 127.0.0.1`,
      `sysLocation ${options.sysLocation}`,
      `sysContact ${options.sysContact}`,
      '',
    ].join('\n'),
  );
  const port = await freeUdpPort();
  let output = '';
  // -f foreground, -Lo log to stdout, -C only our config file; MIBS= skips loading MIB files.
  const child: ChildProcess = spawn(binary, ['-f', '-Lo', '-C', '-c', config, `udp:127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MIBS: '', MIBDIRS: dir },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(port, options.community, 5000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; snmpd said: ${output}`);
  }
  return { port, community: options.community, output: () => output, stop };
}
