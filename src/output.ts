// Where messages go: the console (errors and warnings to stderr), ipcheck.log with -l (truncated
// at the start of each run, as in ipcheck.py) and the system log with --syslog. Messages never
// hold the password: nothing that carries it is ever described.
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Level, Line } from './describe-event.js';
import { LOG_FILE } from './store/legacy-files.js';
import { VERSION } from './version.js';

export interface OutputOptions {
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly logging: boolean;
  readonly syslog: boolean;
  readonly directory: string;
  /** Put before every message (the account's name when a daemon serves several). */
  readonly prefix?: string;
}

const SYSLOG_PRIORITY: Record<Level, string> = { debug: 'debug', info: 'info', success: 'notice', warn: 'warning', error: 'err' };

export class Output {
  private readonly logPath: string | undefined;

  constructor(private readonly options: OutputOptions) {
    if (options.logging) {
      this.logPath = join(options.directory, LOG_FILE);
      writeFileSync(this.logPath, `ipcheck/${VERSION}\nipcheck: ${new Date().toString()}\nipcheck: logging to ${this.logPath}\n`, { mode: 0o600 });
      // An ipcheck.log left by an older run keeps its mode otherwise.
      chmodSync(this.logPath, 0o600);
    }
  }

  line({ level, text: message }: Line): void {
    const text = this.options.prefix ? `[${this.options.prefix}] ${message}` : message;
    if (this.logPath) appendFileSync(this.logPath, `ipcheck: ${text}\n`);
    if (this.options.syslog && level !== 'debug') {
      const child = spawn('logger', ['-t', 'ipcheck', '-p', `user.${SYSLOG_PRIORITY[level]}`, '--', text], { stdio: 'ignore' });
      child.on('error', () => undefined);
    }
    if (level === 'debug' && !this.options.verbose) return;
    if (level === 'success' && this.options.quiet) return;
    if (level === 'warn' || level === 'error') process.stderr.write(`ipcheck: ${text}\n`);
    else process.stdout.write(`${text}\n`);
  }

  info(text: string): void { this.line({ level: 'info', text }); }
  warn(text: string): void { this.line({ level: 'warn', text }); }
  error(text: string): void { this.line({ level: 'error', text }); }
}
