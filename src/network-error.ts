// Turns a network failure into words a user can act on.
export function describeNetworkError(error: unknown, host: string, timeoutMs: number): string {
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err?.code ?? err?.cause?.code ?? err?.name;
  switch (code) {
    case 'ECONNREFUSED': return `${host} refused the connection (nothing listens there): check the address and port`;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return `${host} closed the connection before answering`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `the name ${host.replace(/:\d+$/, '')} does not resolve: check the spelling and the DNS setup`;
    case 'EHOSTUNREACH': case 'ENETUNREACH': return `${host} cannot be reached from this machine (no route)`;
    case 'UND_ERR_CONNECT_TIMEOUT': return `${host} did not accept a connection within ${Math.round(timeoutMs / 1000)} s`;
    case 'UND_ERR_HEADERS_TIMEOUT': case 'UND_ERR_BODY_TIMEOUT': case 'TimeoutError': case 'AbortError':
      return `${host} did not answer within ${Math.round(timeoutMs / 1000)} s`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'SELF_SIGNED_CERT_IN_CHAIN': case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'ERR_TLS_CERT_ALTNAME_INVALID': case 'CERT_HAS_EXPIRED':
      return `the TLS certificate of ${host} is not trusted (${code}); use --ca FILE to trust a private CA`;
    default: {
      const message = err instanceof Error ? err.message : String(error);
      return `${host}: ${message}${code && !message.includes(String(code)) ? ` (${code})` : ''}`;
    }
  }
}
