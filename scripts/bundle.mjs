// Bundles the CLI into dist/ for a start-up as fast as Node allows: one file for the common
// path, and a chunk for each part that is loaded only when configured (routers, SNMP, UPnP,
// the daemon, the demo server). rxjs is taken in its ES2015 module build so that only
// the operators in use are kept. Type checking is tsc's job (`npm run typecheck`).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { ipcheck: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  // rxjs's package exports send Node to its CommonJS build; its ES2015 module build tree-shakes.
  alias: { rxjs: './node_modules/rxjs/dist/esm/index.js' },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages (undici, net-snmp) call require() for Node's own modules.
  banner: { js: "import { createRequire as __ipcheckCreateRequire } from 'node:module'; const require = __ipcheckCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
