// What each fatal NIC v2 reply code means and what the user must do (reference §8, §10, §17.3).
// The protocol forbids generic "update failed" messages: every message names code, cause, fix.

export type AccountCode = 'badauth' | 'badagent' | 'badsys' | '!donator';
export type HostCode = 'notfqdn' | 'nohost' | '!yours' | 'abuse' | 'numhost' | 'dnserr';

export const ACCOUNT_CODES: readonly AccountCode[] = ['badauth', 'badagent', 'badsys', '!donator'];
export const HOST_CODES: readonly HostCode[] = ['notfqdn', 'nohost', '!yours', 'abuse', 'numhost', 'dnserr'];

export function isAccountCode(code: string): code is AccountCode {
  return (ACCOUNT_CODES as readonly string[]).includes(code);
}

export function isHostCode(code: string): code is HostCode {
  return (HOST_CODES as readonly string[]).includes(code);
}

const CLEAR_ACCOUNT = 'then run `ipcheck clear` (or delete ipcheck.err)';

function clearHost(host: string): string {
  return `then run \`ipcheck clear ${host}\` (or remove its line from ipcheck.err)`;
}

/** The message for an account-wide latch; `detail` is the user name or system parameter. */
export function accountLatchMessage(code: string, detail: string): string {
  switch (code) {
    case 'badauth':
      return `the server rejected the user name and password of '${detail}' (badauth): fix the credentials; ` +
        `a run with different credentials retries by itself, or ${CLEAR_ACCOUNT}`;
    case 'badagent':
      return `the server refused this client (badagent${detail ? `: ${detail}` : ''}): the user agent or the HTTP ` +
        `method was not accepted; report it to the ipcheck project, ${CLEAR_ACCOUNT}`;
    case 'badsys':
      return `the server does not accept system=${detail} (badsys): use -s only for static hosts and -c only for ` +
        `custom DNS, ${CLEAR_ACCOUNT}`;
    case '!donator':
      return `the request used a feature for paying accounts only, such as offline mode -o (!donator): drop that ` +
        `option or upgrade the account, ${CLEAR_ACCOUNT}`;
    default:
      return `the server answered '${code}' for the whole account: ${CLEAR_ACCOUNT} once the cause is fixed`;
  }
}

export function hostLatchMessage(code: string, host: string): string {
  switch (code) {
    case 'notfqdn':
      return `${host}: the server says this is not a fully qualified domain name (notfqdn): fix the host name, ${clearHost(host)}`;
    case 'nohost':
      return `${host}: the server says this host is not in your account (nohost): check its spelling and the -s/-c ` +
        `option (static, custom or dynamic DNS), ${clearHost(host)}`;
    case '!yours':
      return `${host}: the host exists but belongs to another account (!yours): fix the host name or the user name, ${clearHost(host)}`;
    case 'abuse':
      return `${host}: the server blocked this host for update abuse (abuse): unblock it on the provider's web site, ${clearHost(host)}`;
    case 'numhost':
      return `${host}: the server answered numhost (too many or too few hosts, or a round-robin host): contact the ` +
        `provider's support with ipcheck.html attached, ${clearHost(host)}`;
    case 'dnserr':
      return `${host}: the server had a DNS error (dnserr): contact the provider's support with ipcheck.html attached, ${clearHost(host)}`;
    default:
      return `${host}: the server answered '${code}': ${clearHost(host)} once the cause is fixed`;
  }
}
