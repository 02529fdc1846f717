// Runs every test file with node's test runner. Node 20 does not expand globs, and a bare
// `node --test` finds no .ts file and passes with zero tests, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function testFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'support' ? [] : testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : testFiles('test');
if (files.length === 0) {
  console.error('no test files found under test/');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
