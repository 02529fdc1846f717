// Every event in words, for the console, ipcheck.log and the `replay` timeline.
import type { EventBody } from './events.js';
import { scopeLabel } from './events.js';

export type Level = 'debug' | 'info' | 'success' | 'warn' | 'error';

export interface Line {
  readonly level: Level;
  readonly text: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function describeEvent(event: EventBody): Line {
  switch (event.type) {
    case 'RunStarted': return { level: 'debug', text: `ipcheck ${event.version} started (${event.mode}) for ${event.hosts.join(', ')}` };
    case 'RunFinished': return { level: 'debug', text: `run finished with status ${event.status}${event.message ? `: ${event.message}` : ''}` };
    case 'CandidateObserved': return { level: 'debug', text: `${event.source} shows ${event.address}` };
    case 'CandidateRejected': return { level: 'warn', text: `${event.source}: ${event.reason}` };
    case 'SourceFailed': return { level: 'warn', text: `${event.source}: ${event.reason}` };
    case 'SourceSwitched': return { level: 'info', text: `detection moved ${event.from ? `from ${event.from} ` : ''}to ${event.to}: ${event.reason}` };
    case 'ServerDetectionChosen': return { level: 'debug', text: 'no address will be sent: the server takes the address the request comes from (-g)' };
    case 'RecheckStarted': return { level: 'debug', text: `looking again at the last address: ${event.reason}` };
    case 'UpdateDecided': return { level: 'info', text: `updating ${event.hosts.join(', ')}${event.address ? ` to ${event.address}` : ''} (${reasonText(event.reason)})` };
    case 'UpdateSkipped': return { level: event.reason.startsWith('latched') ? 'error' : event.reason.startsWith('waiting') ? 'warn' : 'info', text: `${event.hosts.join(', ')}: no update, ${event.reason}` };
    case 'UpdateAttempted': return { level: 'debug', text: `sending ${event.url.replace(/^https?:\/\/[^/]+/, '')}` };
    case 'ReplyReceived': return { level: 'debug', text: `the server answered HTTP ${event.status}: ${event.body.trim().split(/\r?\n/).slice(0, 3).join(' | ').slice(0, 200)}` };
    case 'UpdateFailed': return { level: 'error', text: `${event.hosts.join(', ')}: update failed, ${event.reason}${event.transient ? ' (the next run tries again)' : ''}` };
    case 'HostUpdated':
      return event.code === 'good'
        ? { level: 'success', text: `${event.host} good ${event.address ?? ''} -update successful`.replace('  ', ' ') }
        : { level: 'warn', text: `${event.host} nochg ${event.address ?? ''} -the server already had this address; repeated unneeded updates are abusive and can get the host blocked`.replace('  ', ' ') };
    case 'HostLatched': return { level: 'error', text: `stopped: ${'account' in event.scope ? 'the account: ' : ''}${event.message}` };
    case 'ErrorCleared': return { level: 'info', text: `${scopeLabel(event.scope)}: error ${event.code ?? ''} cleared (${event.by})`.replace('  ', ' ') };
    case 'WaitRequested': return { level: 'warn', text: `waiting for ${scopeLabel(event.scope)}: ${event.message}` };
    case 'WaitCleared': return { level: 'info', text: `${scopeLabel(event.scope)}: wait ended (${event.by})` };
    case 'DatFileRead': return { level: 'debug', text: `ipcheck.dat (${event.origin}) says ${event.address} for ${event.hosts.join(', ')}, last update ${iso(event.modifiedAt)}` };
    case 'HostsResolved': return { level: 'debug', text: `DNS: ${Object.entries(event.addresses).map(([h, a]) => `${h} = ${a ?? 'unknown'}`).join(', ')}` };
    case 'ScriptRan': return { level: event.exitCode === 0 ? 'info' : 'warn', text: `script ${JSON.stringify(event.command)} ${event.timedOut ? 'was stopped after its time limit' : event.exitCode === 0 ? 'ran' : `failed (exit ${event.exitCode ?? event.signal})`} in ${event.durationMs} ms` };
    case 'PortMapped': return { level: 'info', text: `port ${event.externalPort}/${event.protocol} forwarded to ${event.internalAddress}:${event.internalPort} via ${event.via}` };
    case 'PortMappingFailed': return { level: 'warn', text: `port ${event.externalPort}/${event.protocol} not forwarded via ${event.via}: ${event.reason}` };
    case 'PortUnmapped': return { level: 'info', text: `port ${event.externalPort}/${event.protocol} no longer forwarded (${event.via})` };
  }
}

function reasonText(reason: string): string {
  switch (reason) {
    case 'changed': return 'the address changed';
    case 'refresh': return 'refresh of an unchanged address after the refresh age';
    case 'forced': return 'forced with -f';
    case 'offline': return 'offline mode -o';
    default: return 'the server has no known address';
  }
}
