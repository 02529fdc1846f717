// A long-running ipcheck --daemon child process, with its output collected and helpers to wait
// for a line or for its exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from './run-cli.js';

export interface DaemonProcess {
  readonly child: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export function startDaemon(args: readonly string[], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const child = spawn(process.execPath, [CLI, '--daemon', ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => { text += chunk.toString(); listeners.forEach((l) => l()); };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => text,
    waitForOutput(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) { listeners.delete(check); clearTimeout(timer); resolve(match[0]); }
        };
        const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`no ${pattern} in the daemon's output within ${timeoutMs} ms:\n${text}`)); }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    exited(timeoutMs = 10_000) {
      return Promise.race([exit, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the daemon did not exit within ${timeoutMs} ms:\n${text}`)), timeoutMs).unref())]);
    },
    kill() { if (child.exitCode === null) child.kill('SIGKILL'); },
  };
}
