// A salted, slow fingerprint of the credentials, kept with a badauth latch so that a run with
// different credentials retries by itself (as ipcheck.py did) without any file holding the
// password (ipcheck.py wrote it into ipcheck.err in clear).
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const PARAMS = { N: 1 << 14, r: 8, p: 1 };

export function credentialFingerprint(username: string, password: string, salt = randomBytes(16)): string {
  const hash = scryptSync(`${username}\u0000${password}`, salt, 32, PARAMS);
  return `scrypt:${salt.toString('base64')}:${hash.toString('base64')}`;
}

export function credentialsMatch(fingerprint: string, username: string, password: string): boolean {
  const [kind, saltText, hashText] = fingerprint.split(':');
  if (kind !== 'scrypt' || !saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64');
  const actual = scryptSync(`${username}\u0000${password}`, Buffer.from(saltText, 'base64'), expected.length, PARAMS);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
