// --acctfile FILE: "username password hostnames" (whitespace separated, exactly three fields),
// so the password does not show in the process list (reference §2.1).
import { readFileSync, statSync } from 'node:fs';
import { printable } from '../address-ranges.js';

export class AccountFileError extends Error {}

export function readAccountFile(path: string): { username: string; password: string; hostnames: string; warnings: string[] } {
  // The path is shown in messages as the user gave it, control characters made visible.
  const shown = printable(path, 200);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AccountFileError(`cannot read the account file ${shown}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : printable((error as Error).message, 200)}`);
  }
  const fields = text.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 3) {
    throw new AccountFileError(`the account file ${shown} must hold exactly three fields, "username password host1,host2", and holds ${fields.length}`);
  }
  const [username, password, hostnames] = fields as [string, string, string];
  const warnings = (statSync(path).mode & 0o077) !== 0 ? [`${shown} holds a password and can be read by other users; run chmod 600 ${shown}`] : [];
  return { username, password, hostnames, warnings };
}
