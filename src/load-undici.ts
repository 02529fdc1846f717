// undici is loaded only by the code paths that make HTTP requests. It is CommonJS: Node's
// module loader gives its named exports, while the bundle (code split at a dynamic import)
// gives module.exports as `default` only; this takes whichever is there.
import type * as Undici from 'undici';

export async function loadUndici(): Promise<typeof Undici> {
  const loaded = (await import('undici')) as typeof Undici & { default?: typeof Undici };
  return typeof loaded.request === 'function' ? loaded : (loaded.default as typeof Undici);
}
