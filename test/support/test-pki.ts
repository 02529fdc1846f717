// A throw-away certificate authority made with openssl at test time (Debian package openssl):
// a CA, a server certificate for 127.0.0.1 signed by it, one for another name, and one that
// expired in 2021. Test-only; the keys live in a temporary directory removed by `remove()`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly directory: string;
  /** The CA certificate (PEM file), for --ca. */
  readonly caFile: string;
  /** Key and certificate for a TLS server on 127.0.0.1, signed by the CA. */
  readonly server: { readonly key: string; readonly cert: string };
  /** The same key with a certificate for other.example.net (not 127.0.0.1). */
  readonly wrongName: { readonly key: string; readonly cert: string };
  /** The same key with a certificate for 127.0.0.1 valid in 2020 only. */
  readonly expired: { readonly key: string; readonly cert: string };
  remove(): void;
}

export function opensslUnavailableReason(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'openssl is not installed (Debian package openssl): the test CA cannot be made';
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createTestPki(): TestPki {
  const directory = mkdtempSync(join(tmpdir(), 'ipcheck-pki-'));
  const at = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    openssl('req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ipcheck test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', '-new', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    const sign = (out: string, san: string) => {
      writeFileSync(at(`${out}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
      openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${out}.pem`, '-extfile', `${out}.ext`);
    };
    sign('server', 'IP:127.0.0.1');
    sign('wrong-name', 'DNS:other.example.net');
    // openssl 3.0's x509 cannot back-date; `openssl ca` can (-startdate/-enddate).
    writeFileSync(at('ca.cnf'), [
      '[ca]', 'default_ca = test_ca', '[test_ca]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial',
      'default_md = sha256', 'policy = any', 'copy_extensions = copy', 'unique_subject = no', '[any]', 'commonName = supplied', '',
    ].join('\n'));
    writeFileSync(at('index.txt'), '');
    writeFileSync(at('serial'), '1000\n');
    openssl('req', '-new', '-key', 'server.key', '-out', 'expired.csr', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', 'expired.pem',
      '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-notext');
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`openssl failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message}`);
  }
  const key = readFileSync(at('server.key'), 'utf8');
  return {
    directory,
    caFile: at('ca.pem'),
    server: { key, cert: readFileSync(at('server.pem'), 'utf8') },
    wrongName: { key, cert: readFileSync(at('wrong-name.pem'), 'utf8') },
    expired: { key, cert: readFileSync(at('expired.pem'), 'utf8') },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
