import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compileUserPattern } from '../../../src/sources/log-scan/guarded-pattern.js';

describe('compileUserPattern', () => {
  test('captures the first group of each line', () => {
    const compiled = compileUserPattern('WAN ([0-9.]+)');
    assert.ok(compiled.ok);
    assert.deepEqual(compiled.pattern.captureAll(['x WAN 81.2.69.160 y', 'nothing']), ['81.2.69.160', undefined]);
  });

  test('an invalid pattern gives a reason naming the problem', () => {
    const compiled = compileUserPattern('WAN ([0-9.]+');
    assert.equal(compiled.ok, false);
    assert.match(!compiled.ok ? compiled.reason : '', /"WAN \(\[0-9\.\]\+" is not a valid regular expression \(.*Unterminated group/);
  });

  test('a pattern without a capture group is refused', () => {
    const compiled = compileUserPattern('WAN [0-9.]+');
    assert.equal(compiled.ok, false);
    assert.match(!compiled.ok ? compiled.reason : '', /has no capture group/);
  });

  test('a catastrophically backtracking pattern is stopped in bounded time', () => {
    const compiled = compileUserPattern('^(a+)+$', { timeoutMs: 100 });
    assert.ok(compiled.ok);
    const started = performance.now();
    assert.throws(() => compiled.pattern.captureAll(['a'.repeat(40) + 'b']), /took more than 100 ms.*backtracks catastrophically/);
    assert.ok(performance.now() - started < 2000);
  });

  test('lines are cut to the maximum length before matching', () => {
    const compiled = compileUserPattern('(END)$', { maxLineLength: 10 });
    assert.ok(compiled.ok);
    assert.deepEqual(compiled.pattern.captureAll(['x'.repeat(20) + 'END', 'short END']), [undefined, 'END']);
  });
});
