// A small scripted telnet dialogue over node's net module: expect a prompt, send a line, read
// until a text or a prompt. Option negotiation (IAC WILL/DO) is refused with DONT/WONT, or not
// answered at all for consoles that hang up on negotiation (the Alcatel); either way the IAC
// bytes never reach the text. Every wait is bounded.
import { connect, type Socket } from 'node:net';

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;

export class DialogueError extends Error {
  constructor(message: string, readonly kind: 'timeout' | 'closed' | 'unreachable') {
    super(message);
  }
}

export interface DialogueOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly negotiation: 'refuse' | 'ignore';
  readonly eol: string;
  /** Quiet time after a prompt before the output counts as complete. */
  readonly settleMs?: number;
}

type ParseState = 'data' | 'iac' | 'option' | 'sb' | 'sb-iac';

export class TelnetDialogue {
  private buffer = '';
  private cursor = 0;
  private closed = false;
  private state: ParseState = 'data';
  private verb = 0;
  private waiter?: () => void;

  private constructor(private readonly socket: Socket, private readonly options: DialogueOptions) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => { this.closed = true; this.wake(); });
  }

  static open(options: DialogueOptions): Promise<TelnetDialogue> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DialogueError(`no answer from ${options.host}:${options.port} within ${options.timeoutMs} ms`, 'unreachable'));
      }, options.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new TelnetDialogue(socket, options));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new DialogueError(`cannot connect to ${options.host}:${options.port} (${error.code ?? error.message})`, 'unreachable'));
      });
    });
  }

  /** This end's address on the connection (the LAN address the router sees). */
  get localAddress(): string | undefined {
    return this.socket.localAddress?.replace(/^::ffff:/, '');
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private receive(chunk: Buffer): void {
    const replies: number[] = [];
    let text = '';
    for (const byte of chunk) {
      switch (this.state) {
        case 'data':
          if (byte === IAC) this.state = 'iac';
          else text += String.fromCharCode(byte);
          break;
        case 'iac':
          if (byte === IAC) { text += String.fromCharCode(IAC); this.state = 'data'; }
          else if (byte >= WILL && byte <= DONT) { this.verb = byte; this.state = 'option'; }
          else if (byte === SB) this.state = 'sb';
          else this.state = 'data';
          break;
        case 'option':
          if (this.options.negotiation === 'refuse') {
            if (this.verb === WILL) replies.push(IAC, DONT, byte);
            if (this.verb === DO) replies.push(IAC, WONT, byte);
          }
          this.state = 'data';
          break;
        case 'sb':
          if (byte === IAC) this.state = 'sb-iac';
          break;
        case 'sb-iac':
          this.state = byte === SE ? 'data' : 'sb';
          break;
      }
    }
    if (replies.length > 0 && !this.closed) this.socket.write(Buffer.from(replies));
    if (text) {
      this.buffer += text;
      this.wake();
    }
  }

  /** Waits until `check` finds something in the unread text, or the time runs out. */
  private wait<T>(what: string, check: (unread: string) => T | undefined): Promise<T> {
    const deadline = Date.now() + this.options.timeoutMs;
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const found = check(this.buffer.slice(this.cursor));
        if (found !== undefined) { clearTimeout(timer); resolve(found); return; }
        if (this.closed) { clearTimeout(timer); reject(new DialogueError(`the router closed the connection while we waited for ${what}`, 'closed')); return; }
        this.waiter = attempt;
      };
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new DialogueError(`the router did not show ${what} within ${this.options.timeoutMs} ms`, 'timeout'));
      }, Math.max(0, deadline - Date.now()));
      attempt();
    });
  }

  /** Reads up to and including the earliest of `texts`; answers which one came. */
  async expectAny(texts: readonly string[]): Promise<{ index: number; text: string }> {
    const found = await this.wait(texts.map((t) => `"${t.trim()}"`).join(' or '), (unread) => {
      let best: { index: number; at: number; end: number } | undefined;
      texts.forEach((needle, index) => {
        const at = unread.indexOf(needle);
        if (at >= 0 && (!best || at < best.at)) best = { index, at, end: at + needle.length };
      });
      return best;
    });
    const text = this.buffer.slice(this.cursor, this.cursor + found.end);
    this.cursor += found.end;
    return { index: found.index, text };
  }

  async expect(text: string): Promise<string> {
    return (await this.expectAny([text])).text;
  }

  /** Reads until the output stops on a prompt ending in `prompt` (a quiet line, not a '>' inside it). */
  async readUntilPrompt(prompt: string): Promise<string> {
    const settleMs = this.options.settleMs ?? 40;
    for (;;) {
      const length = await this.wait(`the prompt "${prompt.trim()}"`, (unread) => (unread.trimEnd().endsWith(prompt) ? unread.length : undefined));
      const seen = this.buffer.length;
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      if (this.buffer.length === seen) {
        const text = this.buffer.slice(this.cursor, this.cursor + length);
        this.cursor += length;
        return text;
      }
    }
  }

  send(line: string): void {
    if (!this.closed) this.socket.write(Buffer.from(line + this.options.eol, 'latin1'));
  }

  close(): void {
    this.closed = true;
    this.socket.end();
    this.socket.destroy();
  }
}
