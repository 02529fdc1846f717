// Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: loading modules or
// running, and in which package or ipcheck bundle file. Each sample is charged to the nearest
// frame on its stack that belongs to a package (node_modules/<name>, Node's bundled deps) or
// to ipcheck (dist/…); compiling a module imported straight from ipcheck's ESM code has no
// such frame and is charged to the module loader itself.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export type Phase = 'load' | 'run' | 'idle' | 'gc' | 'other';

export interface ProfileCost {
  readonly phase: Phase;
  readonly owner: string;
  /** Sampled time in ms. */
  readonly ms: number;
}

export interface ProfileBreakdown {
  readonly totalMs: number;
  readonly costs: readonly ProfileCost[];
  /** Packages (node_modules names) with at least one sampled frame. */
  readonly packages: readonly string[];
}

const PACKAGE_IN_URL = /node_modules\/((?:@[^/]+\/)?[^/]+)\//g;

/** The innermost package of a file URL (a package nested in another's node_modules wins). */
export function packageOf(url: string): string | undefined {
  let found: string | undefined;
  for (const match of url.matchAll(PACKAGE_IN_URL)) found = match[1];
  if (found) return found;
  if (url.startsWith('node:internal/deps/')) return `node:${url.slice('node:internal/deps/'.length).split('/')[0] ?? ''} (bundled in Node)`;
  return undefined;
}

function ownerOfFrame(url: string): string | undefined {
  const pkg = packageOf(url);
  if (pkg) return pkg;
  const at = url.indexOf('/dist/');
  return at >= 0 ? `ipcheck bundle ${url.slice(at + '/dist/'.length)}` : undefined;
}

export function readCpuProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

export function breakDownProfile(profile: CpuProfile): ProfileBreakdown {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const charged = new Map<string, ProfileCost>();
  const packages = new Set<string>();
  for (const node of profile.nodes) {
    const pkg = packageOf(node.callFrame.url);
    if (pkg && !pkg.startsWith('node:')) packages.add(pkg);
  }
  const charge = (phase: Phase, owner: string, ms: number): void => {
    const key = `${phase}\u0000${owner}`;
    const previous = charged.get(key);
    charged.set(key, { phase, owner, ms: (previous?.ms ?? 0) + ms });
  };

  // Idle after the last JavaScript ran is the exit itself: Node waiting for V8's background
  // tasks (such as optimizing undici's WebAssembly HTTP parser) before the process ends.
  let lastJavaScript = -1;
  profile.samples.forEach((id, index) => {
    if (!(byId.get(id)?.callFrame.functionName ?? '(').startsWith('(')) lastJavaScript = index;
  });

  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (!leaf) return;
    const name = leaf.callFrame.functionName;
    if (name === '(idle)') {
      return index > lastJavaScript
        ? charge('idle', 'at exit, after the last JavaScript: V8 background tasks', ms)
        : charge('idle', 'event loop idle: the server, DNS, thread-pool file I/O', ms);
    }
    if (name === '(garbage collector)') return charge('gc', 'garbage collection', ms);
    if (name === '(program)') return charge('other', 'V8 and native code outside JavaScript', ms);
    let owner: string | undefined;
    let loading = false;
    let syncing = false;
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parentOf.get(node.id) ?? -1)) {
      const { url, functionName } = node.callFrame;
      if (url.startsWith('node:internal/modules/')) loading = true;
      if (/^f(data)?sync(Sync)?$/.test(functionName)) syncing = true;
      owner ??= ownerOfFrame(url);
    }
    if (loading) return charge('load', owner ?? 'module loader: resolve, read, compile', ms);
    if (syncing) return charge('run', 'fsync/fdatasync (durable writes)', ms);
    return charge('run', owner ?? 'Node internals', ms);
  });

  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    costs: [...charged.values()].sort((a, b) => b.ms - a.ms),
    packages: [...packages].sort(),
  };
}

/** Averages several profiles of the same command, cost by cost. */
export function averageBreakdowns(breakdowns: readonly ProfileBreakdown[]): ProfileBreakdown {
  const count = Math.max(1, breakdowns.length);
  const sums = new Map<string, ProfileCost>();
  for (const breakdown of breakdowns) {
    for (const cost of breakdown.costs) {
      const key = `${cost.phase}\u0000${cost.owner}`;
      sums.set(key, { ...cost, ms: (sums.get(key)?.ms ?? 0) + cost.ms / count });
    }
  }
  return {
    totalMs: breakdowns.reduce((sum, b) => sum + b.totalMs, 0) / count,
    costs: [...sums.values()].sort((a, b) => b.ms - a.ms),
    packages: [...new Set(breakdowns.flatMap((b) => b.packages))].sort(),
  };
}

export function phaseTotals(breakdown: ProfileBreakdown): Record<Phase, number> {
  const totals: Record<Phase, number> = { load: 0, run: 0, idle: 0, gc: 0, other: 0 };
  for (const cost of breakdown.costs) totals[cost.phase] += cost.ms;
  return totals;
}
