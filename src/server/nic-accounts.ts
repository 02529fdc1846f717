// The loopback NIC server's world: accounts, the hosts each one owns, and the addresses the
// hosts currently point at. Host names compare case-insensitively, as DNS names do.
import type { Family } from '../address.js';

export interface NicAccount {
  username: string;
  password: string;
  hosts: string[];
  /** A credited user: may use donator-only options such as offline=YES. */
  donator?: boolean;
  /** Hosts blocked for update abuse: updates get `abuse`. They belong to this account even if not in `hosts`. */
  blockedHosts?: string[];
}

export interface HostAddresses {
  ipv4?: string;
  ipv6?: string;
}

export type Ownership =
  | { kind: 'mine'; blocked: boolean }
  | { kind: 'someone-else' }
  | { kind: 'unknown' };

export class NicAccounts {
  private readonly byUsername = new Map<string, NicAccount>();
  private readonly ownerOf = new Map<string, string>();
  private readonly blocked = new Set<string>();
  private readonly addresses = new Map<string, HostAddresses>();

  /** Throws when two accounts share a username or a host: the answers would be ambiguous. */
  constructor(accounts: readonly NicAccount[]) {
    for (const account of accounts) {
      if (this.byUsername.has(account.username)) {
        throw new Error(`startNicServer: two accounts are named "${account.username}"; give each a different username`);
      }
      this.byUsername.set(account.username, account);
      for (const host of [...account.hosts, ...(account.blockedHosts ?? [])]) {
        const key = normalizeHost(host);
        const owner = this.ownerOf.get(key);
        if (owner !== undefined && owner !== account.username) {
          throw new Error(
            `startNicServer: host "${host}" is in the accounts of both "${owner}" and "${account.username}"; a host belongs to one account`,
          );
        }
        this.ownerOf.set(key, account.username);
      }
      for (const host of account.blockedHosts ?? []) this.blocked.add(normalizeHost(host));
    }
  }

  /** The account these credentials open, or undefined (unknown user or wrong password). */
  authenticate(username: string, password: string): NicAccount | undefined {
    const account = this.byUsername.get(username);
    return account !== undefined && account.password === password ? account : undefined;
  }

  ownership(host: string, username: string): Ownership {
    const key = normalizeHost(host);
    const owner = this.ownerOf.get(key);
    if (owner === undefined) return { kind: 'unknown' };
    if (owner !== username) return { kind: 'someone-else' };
    return { kind: 'mine', blocked: this.blocked.has(key) };
  }

  addressOf(host: string): HostAddresses | undefined {
    const found = this.addresses.get(normalizeHost(host));
    return found === undefined ? undefined : { ...found };
  }

  /** Sets the given families (others keep their value); true when any of them changed. */
  setAddresses(host: string, next: HostAddresses): boolean {
    const key = normalizeHost(host);
    const current = this.addresses.get(key) ?? {};
    let changed = false;
    const merged: HostAddresses = { ...current };
    for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
      const value = next[family];
      if (value === undefined) continue;
      if (current[family] !== value) changed = true;
      merged[family] = value;
    }
    this.addresses.set(key, merged);
    return changed;
  }
}

export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
