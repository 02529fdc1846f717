import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchLogScan } from '../../bench/log-scan.js';

test('benchLogScan runs on a tiny log, both scans agree, and it cleans up', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'ipcheck-bench-'));
  try {
    for (const lastMatch of ['near-end', 'middle'] as const) {
      const result = await benchLogScan({ sizeBytes: 512 * 1024, workDir, lastMatch });
      assert.ok(Number.isFinite(result.ipcheckMs) && result.ipcheckMs >= 0, lastMatch);
      assert.ok(Number.isFinite(result.tacGrepMs) && result.tacGrepMs > 0, lastMatch);
    }
    assert.deepEqual(await readdir(workDir), []);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});
