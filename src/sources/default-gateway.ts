// The router, the NAT-PMP gateway and the UPnP device are usually the default gateway. On
// Linux the kernel's routing table is readable at /proc/net/route, so no `route` command is
// spawned; elsewhere the answer is "unknown" and the usual address (or -n) is used.
import { readFile } from 'node:fs/promises';

/** The gateway of the best default route in /proc/net/route text (lowest metric), if any. */
export function defaultGatewayFromProcRoute(text: string): string | undefined {
  const RTF_UP = 0x1;
  const RTF_GATEWAY = 0x2;
  let best: { gateway: string; metric: number } | undefined;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const [, destination, gatewayHex, flagsHex, , , metricText, mask] = fields;
    const flags = parseInt(flagsHex ?? '0', 16);
    if (destination !== '00000000' || mask !== '00000000') continue;
    if ((flags & RTF_UP) === 0 || (flags & RTF_GATEWAY) === 0) continue;
    const value = parseInt(gatewayHex ?? '', 16);
    if (!Number.isFinite(value) || value === 0) continue;
    // The kernel prints the address in host (little-endian) byte order.
    const gateway = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24].join('.');
    const metric = Number(metricText ?? 0);
    if (!best || metric < best.metric) best = { gateway, metric };
  }
  return best?.gateway;
}

/** Reads the default gateway; undefined when the table is unreadable or has no default route. */
export async function defaultGateway(options: { path?: string } = {}): Promise<string | undefined> {
  try {
    return defaultGatewayFromProcRoute(await readFile(options.path ?? '/proc/net/route', 'utf8'));
  } catch {
    return undefined;
  }
}
