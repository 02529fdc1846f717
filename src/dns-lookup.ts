// Host name lookups for --makedat (and the first run, which does what --makedat does) and -D.
// --dns-server asks one server directly (e.g. the provider's, or a test's loopback server).
// node:dns is loaded on the first lookup: most runs make none.

export type HostResolver = (host: string) => Promise<string | null>;

export function hostResolver(dnsServer: string | undefined, timeoutMs = 5000): HostResolver {
  if (!dnsServer) {
    return async (host) => {
      const { lookup } = await import('node:dns/promises');
      try {
        return (await lookup(host, { family: 4 })).address;
      } catch {
        return null;
      }
    };
  }
  let resolver: Promise<import('node:dns/promises').Resolver> | undefined;
  const ready = () => (resolver ??= import('node:dns/promises').then(({ Resolver }) => {
    const created = new Resolver({ timeout: timeoutMs, tries: 2 });
    created.setServers([dnsServer]);
    return created;
  }));
  return async (host) => {
    try {
      return (await (await ready()).resolve4(host))[0] ?? null;
    } catch {
      return null;
    }
  };
}

export async function resolveHosts(hosts: readonly string[], resolve: HostResolver): Promise<Record<string, string | null>> {
  const entries = await Promise.all(hosts.map(async (host) => [host, await resolve(host)] as const));
  return Object.fromEntries(entries);
}
