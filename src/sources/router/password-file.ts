// --pfile: device passwords kept in files (so they do not show in `ps`). The file holds the
// password; a trailing line ending (LF, CR LF or CR) is not part of it.
import { readFile } from 'node:fs/promises';

export type PasswordFileResult = { readonly ok: true; readonly password: string } | { readonly ok: false; readonly reason: string };

export async function readPasswordFile(path: string): Promise<PasswordFileResult> {
  if (path.startsWith('--')) {
    return { ok: false, reason: `"${path}" is an option, not a password file: write --pfile, then the device option with the file name (e.g. --pfile -L /etc/ipcheck/router.pw)` };
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    return { ok: false, reason: `cannot read the device password file ${path}: ${why}; create it with the router password on one line, readable by this user` };
  }
  const password = text.replace(/[\r\n]+$/, '');
  if (password === '') return { ok: false, reason: `the device password file ${path} is empty; put the router password in it` };
  return { ok: true, password };
}
