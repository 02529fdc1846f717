// How fast -A answers on a big log: ipcheck's backwards findLastMatch side by side with
// `tac FILE | grep -m1 TEXT`, the shell's way of finding the last occurrence. The log is
// syslog-like, with the last match 1000 lines before the end (the usual case: the PPP link
// came up a while ago) and an earlier one in the middle; lastMatch 'middle' drops the late one
// (the worst realistic case: half the file is read).
// Run: node --import tsx bench/log-scan.ts [sizeMiB] [near-end|middle]   (default 1024 near-end)
import { spawn } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findLastMatch } from '../src/sources/log-scan/find-last-match.js';

export interface LogScanBenchResult {
  ipcheckMs: number;
  tacGrepMs: number;
}

const TEXT = 'local  IP address';
const LINES_AFTER_LAST_MATCH = 1000;

function syslogLine(i: number): string {
  const second = String(i % 60).padStart(2, '0');
  const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
  const kinds = [
    `gw CRON[${20000 + (i % 5000)}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`,
    `gw kernel: [${(i / 10).toFixed(1)}] DROP IN=ppp0 OUT= SRC=198.51.100.${i % 250} DST=81.2.69.160 LEN=60 PROTO=TCP DPT=22`,
    `gw dnsmasq-dhcp[812]: DHCPACK(br0) 192.168.1.${i % 250} 00:11:22:33:44:${(i % 256).toString(16).padStart(2, '0')} laptop`,
    `gw systemd[1]: Started session ${i} of user admin.`,
  ];
  return `Nov 25 07:${minute}:${second} ${kinds[i % kinds.length]}\n`;
}

/** Writes a log of about sizeBytes: filler, a match in the middle, filler, the last match, 1000 lines. */
async function writeLog(path: string, sizeBytes: number, lastAddress: string, lastMatchAt: 'near-end' | 'middle'): Promise<void> {
  const tail = Array.from({ length: LINES_AFTER_LAST_MATCH }, (_, i) => syslogLine(i)).join('');
  const middleMatch = `Nov 25 03:00:00 gw pppd[811]: ${TEXT} ${lastMatchAt === 'middle' ? lastAddress : '81.2.69.1'}\n`;
  const lastMatch = lastMatchAt === 'middle' ? '' : `Nov 25 07:00:00 gw pppd[812]: ${TEXT} ${lastAddress}\n`;
  // One reusable chunk of filler, so writing a GiB costs little more than the disk.
  const chunk = Buffer.from(Array.from({ length: 4096 }, (_, i) => syslogLine(i)).join(''));
  const fillerBytes = Math.max(0, sizeBytes - Buffer.byteLength(tail + middleMatch + lastMatch));
  const file = await open(path, 'w');
  try {
    const writeFiller = async (bytes: number) => {
      for (let left = bytes; left > 0; ) {
        // Whole lines only: cut the chunk at a newline.
        let piece = chunk.subarray(0, Math.min(chunk.length, left));
        const cut = piece.lastIndexOf(0x0a);
        piece = cut >= 0 ? piece.subarray(0, cut + 1) : chunk.subarray(0, chunk.indexOf(0x0a) + 1);
        await file.write(piece);
        left -= piece.length;
      }
    };
    await writeFiller(Math.floor(fillerBytes / 2));
    await file.write(middleMatch);
    await writeFiller(Math.ceil(fillerBytes / 2));
    await file.write(lastMatch);
    await file.write(tail);
  } finally {
    await file.close();
  }
}

function timeTacGrep(path: string): Promise<{ ms: number; line: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'tac -- "$1" | grep -m1 -F -- "$2"', 'sh', path, TEXT], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`tac | grep exited with ${code}`));
      else resolve({ ms: performance.now() - started, line: output.trim() });
    });
  });
}

export async function benchLogScan(options: {
  sizeBytes: number;
  workDir: string;
  /** Where the last match is (default near-end: 1000 lines before the end). */
  lastMatch?: 'near-end' | 'middle';
}): Promise<LogScanBenchResult> {
  await mkdir(options.workDir, { recursive: true });
  const path = join(options.workDir, `bench-syslog-${process.pid}.log`);
  const lastAddress = '81.2.69.160';
  await writeLog(path, options.sizeBytes, lastAddress, options.lastMatch ?? 'near-end');
  try {
    const started = performance.now();
    const found = await findLastMatch(path, (line) => (line.includes(TEXT) ? line : undefined));
    const ipcheckMs = performance.now() - started;
    const tac = await timeTacGrep(path);
    // Both must have found the same line, or the timing compares nothing.
    if (!found?.endsWith(lastAddress) || tac.line !== found) {
      throw new Error(`the two scans disagree: findLastMatch gave ${JSON.stringify(found)}, tac|grep gave ${JSON.stringify(tac.line)}`);
    }
    return { ipcheckMs, tacGrepMs: tac.ms };
  } finally {
    await rm(path, { force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizeMiB = Number(process.argv[2] ?? 1024);
  const lastMatch = process.argv[3] === 'middle' ? 'middle' : 'near-end';
  const result = await benchLogScan({ sizeBytes: sizeMiB * 1024 * 1024, workDir: join(process.cwd(), 'bench', '.work'), lastMatch });
  const where = lastMatch === 'middle' ? 'in the middle' : `${LINES_AFTER_LAST_MATCH} lines before the end`;
  console.log(`log scan, ${sizeMiB} MiB, last match ${where}:`);
  console.log(`  ipcheck findLastMatch  ${result.ipcheckMs.toFixed(1)} ms`);
  console.log(`  tac | grep -m1         ${result.tacGrepMs.toFixed(1)} ms`);
}
