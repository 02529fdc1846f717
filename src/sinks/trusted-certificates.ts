// --ca FILE: the CA certificates trusted for the update server besides the system's roots. The
// certificates are always verified; there is no switch that turns that off.
import { ConfigError } from '../config.js';

/** The PEM certificates of --ca FILE (undefined without it); a file that holds none is bad input. */
export async function readExtraCa(config: { readonly caFile?: string }): Promise<string[] | undefined> {
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
  return certificates;
}
