// Every router device option of the original, in the original's priority order (reference
// §11.1: when several are given, the first in this order is used), and the small parser the
// CLI needs to wire them generically: which options exist, which take a value, and how the
// given ones resolve to one device.
import type { DeviceOption } from './device-types.js';
import { HTTP_DEVICES } from './http-devices.js';
import type { WanPortChoice } from './router-page.js';
import { TELNET_DEVICES } from './telnet-devices.js';

const PRIORITY = [
  'Y', '3', '4', 'K', 'J', 'Z', 'WTG624', 'R', 'H', 'G', 'V', 'B', '2', 'E', 'Q', 'X', 'P', 'S',
  'Netvanta', 'C', 'I', 'O', 'Draytek', 'VT1000v', 'Belkin_f5d7230', 'M', 'N', '5', '6', '9', '8',
  '1', 'L', 'W', '7', 'T',
] as const;

const BY_ID = new Map([...HTTP_DEVICES, ...TELNET_DEVICES].map((device) => [device.id, device]));

function byId(id: string): DeviceOption {
  const device = BY_ID.get(id);
  if (!device) throw new Error(`device table has no entry ${id}`);
  return device;
}

/** The devices in priority order; modifier variants (B+VWBR, S+WBR...) are reached via selectDevice. */
export const DEVICE_TABLE: readonly DeviceOption[] = PRIORITY.map(byId);

export function deviceById(id: string): DeviceOption | undefined {
  return BY_ID.get(id);
}

export interface DeviceCliOption {
  /** The key yargs sees: "L", "1", "WTG624", "VWBR". */
  readonly key: string;
  /** As typed: "-L", "-1", "--WTG624". */
  readonly flag: string;
  readonly takesValue: boolean;
  /** device: selects a device; modifier: changes -B or -S (--VWBR, --WBR). */
  readonly role: 'device' | 'modifier';
  readonly description: string;
}

/** Every argv option that belongs to the router devices. */
export const DEVICE_CLI_OPTIONS: readonly DeviceCliOption[] = [
  ...DEVICE_TABLE.map((device) => ({
    key: device.id,
    flag: device.flag,
    takesValue: device.argument !== 'none',
    role: 'device' as const,
    description: device.model,
  })),
  { key: 'VWBR', flag: '--VWBR', takesValue: false, role: 'modifier', description: 'with -B (or -S --WBR): the SMC 7004VWBR' },
  { key: 'WBR', flag: '--WBR', takesValue: true, role: 'modifier', description: 'with -S: the SMC 2404WBR password' },
];

export interface DeviceChoice {
  readonly device: DeviceOption;
  /** The password, or with --pfile the name of the file holding it (see passwordFile). */
  readonly password?: string;
  /** True when --pfile was given: `password` is a file name to read with readPasswordFile. */
  readonly passwordIsFile: boolean;
  readonly wanPort?: WanPortChoice;
  readonly pppInterface?: string;
  /** Other device options given at the same time, ignored (the original's priority). */
  readonly ignored: readonly string[];
}

export type DeviceSelection = { readonly ok: true; readonly choice: DeviceChoice } | { readonly ok: false; readonly reason: string };

/** Parses Nexland's "any" | "0" | "1" (prefer) | "-0" | "-1" (force). */
export function parseWanPort(text: string): WanPortChoice | undefined {
  if (text === 'any') return { mode: 'any' };
  const match = /^(-?)(\d+)$/.exec(text);
  if (!match) return undefined;
  return { mode: match[1] ? 'force' : 'prefer', port: Number(match[2]) };
}

/**
 * Resolves the device options given on the command line (keys as in DEVICE_CLI_OPTIONS,
 * values: the option's string, or true for flags) to one device; undefined when none is given.
 */
export function selectDevice(given: Readonly<Record<string, string | boolean | undefined>>, pfile = false): DeviceSelection | undefined {
  const present = (key: string) => given[key] !== undefined && given[key] !== false;
  const devices = DEVICE_TABLE.filter((device) => present(device.id));
  if (devices.length === 0) {
    if (present('WBR')) return { ok: false, reason: '--WBR gives the SMC 2404WBR password and needs -S' };
    if (present('VWBR')) return { ok: false, reason: '--VWBR marks an SMC 7004VWBR and needs -B password (or -S --WBR password)' };
    return undefined;
  }
  const [chosen, ...others] = devices as [DeviceOption, ...DeviceOption[]];
  const raw = given[chosen.id];
  const value = typeof raw === 'string' ? raw : undefined;
  const base = { passwordIsFile: pfile, ignored: others.map((d) => d.flag) };
  if (chosen.argument !== 'none' && (value === undefined || value === '')) {
    return { ok: false, reason: `${chosen.flag} needs a value (${chosen.argument}); see --devices` };
  }
  if (chosen.id === 'B') {
    const device = present('VWBR') ? byId('B+VWBR') : chosen;
    return { ok: true, choice: { ...base, device, password: value } };
  }
  if (chosen.id === 'S' && present('WBR')) {
    const wbr = given['WBR'];
    if (typeof wbr !== 'string' || wbr === '') return { ok: false, reason: '--WBR needs the router password' };
    const device = byId(present('VWBR') ? 'S+WBR+VWBR' : 'S+WBR');
    return { ok: true, choice: { ...base, device, password: wbr } };
  }
  if (chosen.argument === 'port,password') {
    const comma = value!.indexOf(',');
    const portText = comma < 0 ? value! : value!.slice(0, comma);
    const wanPort = parseWanPort(portText);
    if (!wanPort) return { ok: false, reason: `bad -P value "${portText}": use any, 0, 1 (prefer that WAN port) or -0, -1 (only that port), then ,password if the router has one` };
    return { ok: true, choice: { ...base, device: chosen, wanPort, password: comma < 0 ? undefined : value!.slice(comma + 1) } };
  }
  if (chosen.argument === 'password,interface') {
    const parts = value!.split(',');
    if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: `bad -Q value: use -Q password,interface (e.g. -Q secret,1)` };
    return { ok: true, choice: { ...base, device: chosen, password: parts[0], pppInterface: parts[1] } };
  }
  return { ok: true, choice: { ...base, device: chosen, password: value } };
}
