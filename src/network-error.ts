// Turns a network failure into words a user can act on.
export function describeNetworkError(error: unknown, host: string, timeoutMs: number): string {
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  // A DOMException (AbortSignal.timeout) has a numeric code (23): its name says what happened.
  const code = [err?.code, err?.cause?.code, err?.name].find((c) => typeof c === 'string');
  switch (code) {
    case 'ECONNREFUSED': return `${host} refused the connection (nothing listens there): check the address and port`;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return `${host} closed the connection before answering`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `the name ${host.replace(/:\d+$/, '')} does not resolve: check the spelling and the DNS setup`;
    case 'EHOSTUNREACH': case 'ENETUNREACH': return `${host} cannot be reached from this machine (no route)`;
    case 'CONNECT_TIMEOUT': case 'UND_ERR_CONNECT_TIMEOUT': return `${host} did not complete a connection (TCP and TLS handshake) within ${Math.round(timeoutMs / 1000)} s`;
    case 'UND_ERR_HEADERS_TIMEOUT': case 'UND_ERR_BODY_TIMEOUT': case 'TimeoutError': case 'AbortError':
      return `${host} did not answer within ${Math.round(timeoutMs / 1000)} s`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'SELF_SIGNED_CERT_IN_CHAIN': case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'UNABLE_TO_GET_ISSUER_CERT': case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `the TLS certificate of ${host} is not signed by a trusted CA (${code}); if the server uses a private CA, trust it with --ca FILE`;
    // --ca cannot help with these: the certificate is for another name, or out of its dates.
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the TLS certificate of ${host} is for another name (${code}): check the host name in --server`;
    case 'CERT_HAS_EXPIRED': case 'CERT_NOT_YET_VALID':
      return `the TLS certificate of ${host} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'} (${code}): check this machine's clock, or tell the provider`;
    default: {
      const message = err instanceof Error ? err.message : String(error);
      return `${host}: ${message}${code && !message.includes(String(code)) ? ` (${code})` : ''}`;
    }
  }
}
