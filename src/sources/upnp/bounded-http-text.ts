// HTTP for UPnP: a router's web server is small and sometimes broken, so every exchange has a
// time limit and a size limit, and every failure becomes a sentence a user can act on.
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../load-undici.js';

/** Larger than any real device description or SOAP reply; guards against a runaway answer. */
const MAX_BODY_BYTES = 512 * 1024;

export interface HttpTextOptions {
  readonly method: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher;
}

export type HttpTextResult =
  | { readonly ok: true; readonly status: number; readonly text: string }
  | { readonly ok: false; readonly reason: string };

export async function httpText(url: string, options: HttpTextOptions): Promise<HttpTextResult> {
  const { request } = await loadUndici();
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > MAX_BODY_BYTES) {
        response.body.destroy();
        return { ok: false, reason: `${url} answered more than ${MAX_BODY_BYTES} bytes; this is not a UPnP device` };
      }
      chunks.push(buffer);
    }
    return { ok: true, status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    if (signal.aborted) {
      return { ok: false, reason: `${url} did not answer within ${options.timeoutMs} ms; check that the router is up and UPnP is enabled` };
    }
    return { ok: false, reason: `${url} could not be reached (${describeError(error)}); check that the router is up and UPnP is enabled` };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = error.cause instanceof Error ? error.cause.message : undefined;
    return [typeof code === 'string' ? code : undefined, cause ?? error.message].filter(Boolean).join(': ');
  }
  return String(error);
}
