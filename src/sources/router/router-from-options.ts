// From the device options on the command line to the router source: the device chosen by the
// original's priority (others are named as ignored), --pfile passwords read from their files,
// -U and -n applied.
import type { Config, SourceSpec } from '../../config.js';
import { ConfigError } from '../../config.js';
import type { CandidateSource } from '../source.js';
import { defaultGateway } from '../default-gateway.js';
import { selectDevice } from './device-table.js';
import { readPasswordFile } from './password-file.js';
import { routerSource } from './router-source.js';

export async function routerFromOptions(
  spec: Extract<SourceSpec, { kind: 'router' }>,
  config: Config,
  deps: { now: () => number; warn?: (message: string) => void },
): Promise<CandidateSource> {
  const selection = selectDevice(spec.options, spec.passwordFile);
  if (!selection) throw new ConfigError('no router device option was given');
  if (!selection.ok) throw new ConfigError(selection.reason);
  const { choice } = selection;
  if (choice.ignored.length > 0) deps.warn?.(`router options ${choice.ignored.join(', ')} are ignored: ${choice.device.flag} comes first`);
  let password = choice.password;
  if (choice.passwordIsFile && password !== undefined) {
    const read = await readPasswordFile(password);
    if (!read.ok) throw new ConfigError(read.reason);
    password = read.password;
  }
  return routerSource({
    device: choice.device,
    ...(password !== undefined ? { password } : {}),
    ...(config.routerUser ? { user: config.routerUser } : {}),
    ...(config.routerHost ? { routerHost: config.routerHost } : {}),
    allowPrivate: config.allowPrivate,
    timeoutMs: Math.min(config.totalTimeoutMs, 30_000),
    pollMs: config.pollMs,
    ...(choice.wanPort !== undefined ? { wanPort: choice.wanPort } : {}),
    ...(choice.pppInterface !== undefined ? { pppInterface: choice.pppInterface } : {}),
  }, { now: deps.now, defaultGateway: () => defaultGateway() });
}
