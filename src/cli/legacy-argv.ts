// ipcheck.py's command line is getopt-style (reference §2): single-letter options that may be
// grouped (-fv) or carry their value attached (-a1.2.3.4), digits as option letters (-1 … -9)
// and a few odd long options (--https_only=0, --WBR=pw). This turns it into long options that
// yargs understands, and sets the router device options aside (they are passed through as
// written, in order, since their order is the detection priority).
import { printable } from '../address-ranges.js';

export interface LegacyOption {
  readonly long: string;
  readonly takesValue: boolean;
}

/** The general options of reference §2.1 by letter. */
export const GENERAL_LETTERS: Readonly<Record<string, LegacyOption>> = {
  a: { long: 'address', takesValue: true },
  b: { long: 'backmx', takesValue: false },
  c: { long: 'custom', takesValue: false },
  d: { long: 'directory', takesValue: true },
  e: { long: 'execute', takesValue: true },
  f: { long: 'force', takesValue: false },
  g: { long: 'guess', takesValue: false },
  h: { long: 'options-help', takesValue: false },
  i: { long: 'interface', takesValue: true },
  j: { long: 'no-https', takesValue: false },
  l: { long: 'logging', takesValue: false },
  m: { long: 'mxhost', takesValue: true },
  n: { long: 'router-host', takesValue: true },
  o: { long: 'offline', takesValue: false },
  p: { long: 'port-8245', takesValue: false },
  q: { long: 'quiet', takesValue: false },
  r: { long: 'checkip', takesValue: true },
  s: { long: 'static', takesValue: false },
  t: { long: 'test', takesValue: false },
  v: { long: 'verbose', takesValue: false },
  w: { long: 'wildcard', takesValue: false },
  A: { long: 'syslog-text', takesValue: true },
  D: { long: 'check-dns', takesValue: false },
  F: { long: 'firewall-log', takesValue: true },
  U: { long: 'router-user', takesValue: true },
};

/** Router device options by letter (getopt: "B:C:EGH:I:J:K:L:M:N:O:P:Q:R:ST:V:W:XY:Z:1:2:3:4:56:7:8:9:"). */
export const DEVICE_LETTERS: Readonly<Record<string, boolean>> = {
  B: true, C: true, E: false, G: false, H: true, I: true, J: true, K: true, L: true, M: true, N: true,
  O: true, P: true, Q: true, R: true, S: false, T: true, V: true, W: true, X: false, Y: true, Z: true,
  1: true, 2: true, 3: true, 4: true, 5: false, 6: true, 7: true, 8: true, 9: true,
};

/** Long router device options of the original: name → takes a value. */
export const DEVICE_WORDS: Readonly<Record<string, boolean>> = {
  VWBR: false, WBR: true, VT1000v: false, Draytek: true, Netvanta: true, WTG624: true, Belkin_f5d7230: false,
};

export interface DeviceOption {
  /** As written: "-L", "--WBR". */
  readonly option: string;
  readonly value?: string;
}

export interface NormalizedArgv {
  readonly argv: string[];
  readonly devices: DeviceOption[];
}

export class ArgvError extends Error {}

export function normalizeLegacyArgv(input: readonly string[]): NormalizedArgv {
  const argv: string[] = [];
  const devices: DeviceOption[] = [];
  for (let i = 0; i < input.length; i++) {
    const arg = input[i] as string;
    if (arg === '--') {
      argv.push(...input.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      const [name = '', attached] = splitLong(arg.slice(2));
      if (name in DEVICE_WORDS) {
        const takesValue = DEVICE_WORDS[name] as boolean;
        let value = attached;
        if (takesValue && value === undefined) {
          value = input[++i];
          if (value === undefined) throw new ArgvError(`--${name} needs a value (the router password)`);
        }
        devices.push({ option: `--${name}`, ...(value !== undefined ? { value } : {}) });
      } else if (name === 'https_only') {
        argv.push('--https-only', attached ?? (input[++i] ?? ''));
      } else {
        argv.push(arg);
      }
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      argv.push(arg);
      continue;
    }
    // A group of single letters; a letter that takes a value consumes the rest or the next arg.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      const general = GENERAL_LETTERS[letter];
      const device = DEVICE_LETTERS[letter];
      if (!general && device === undefined) throw new ArgvError(`unknown option -${printable(letter)} (in ${printable(arg)}); ipcheck -h lists the options`);
      const takesValue = general ? general.takesValue : (device as boolean);
      let value: string | undefined;
      if (takesValue) {
        value = j + 1 < arg.length ? arg.slice(j + 1) : input[++i];
        if (value === undefined) throw new ArgvError(`-${letter} needs a value`);
      }
      if (general) argv.push(`--${general.long}`, ...(value !== undefined ? [value] : []));
      else devices.push({ option: `-${letter}`, ...(value !== undefined ? { value } : {}) });
      if (takesValue) break;
    }
  }
  return { argv, devices };
}

function splitLong(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}
