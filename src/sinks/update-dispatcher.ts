// The HTTP agents of the update requests. Certificates are always verified, even when the
// environment says NODE_TLS_REJECT_UNAUTHORIZED=0 (set for some other program, it must not turn
// this one's checks off); --ca FILE adds the CAs in FILE to the system's roots.
import type { Dispatcher } from 'undici';
import { ConfigError } from '../config.js';
import { loadUndici } from '../load-undici.js';

type Undici = typeof import('undici');

/** undici's own connect timeout; the TCP connect and the TLS handshake share it. */
const CONNECT_TIMEOUT_MS = 10_000;

const verifying = new Map<number, Dispatcher>();

// The request's abort signal does not stop a TLS handshake in progress (a server that accepts
// and never answers the hello): only the connect timeout does, so it is never longer than the
// total time allowed for the request (--timeout).
function connectTimeout(totalTimeoutMs: number, connectTimeoutMs = CONNECT_TIMEOUT_MS): number {
  return Math.min(connectTimeoutMs, totalTimeoutMs);
}

/** The agent for requests without --ca: undici's defaults, with verification forced on. */
export function verifyingAgent(undici: Undici, totalTimeoutMs: number): Dispatcher {
  const timeout = connectTimeout(totalTimeoutMs);
  let agent = verifying.get(timeout);
  if (!agent) verifying.set(timeout, agent = new undici.Agent({ connect: { rejectUnauthorized: true, timeout } }));
  return agent;
}

/** The agent for --ca FILE (undefined without it); a file that holds no certificate is bad input. */
export async function caAgent(config: { readonly caFile?: string; readonly connectTimeoutMs: number; readonly totalTimeoutMs: number }): Promise<Dispatcher | undefined> {
  const file = config.caFile;
  if (file === undefined) return undefined;
  const { readFileSync } = await import('node:fs');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--ca ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give the CA certificate of the update server as a PEM file`);
  }
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) throw new ConfigError(`--ca ${file} holds no certificate (no "-----BEGIN CERTIFICATE-----" block): give the CA certificate in PEM form`);
  const { X509Certificate } = await import('node:crypto');
  for (const certificate of certificates) {
    try {
      new X509Certificate(certificate);
    } catch (error) {
      throw new ConfigError(`--ca ${file} holds a certificate that cannot be read (${(error as Error).message}): give the CA certificate in PEM form`);
    }
  }
  const { rootCertificates } = await import('node:tls');
  const { Agent } = await loadUndici();
  return new Agent({ connect: { rejectUnauthorized: true, ca: [...rootCertificates, ...certificates], timeout: connectTimeout(config.totalTimeoutMs, config.connectTimeoutMs) } });
}
