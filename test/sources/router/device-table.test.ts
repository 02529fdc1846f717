import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_CLI_OPTIONS, DEVICE_TABLE, selectDevice } from '../../../src/sources/router/device-table.js';
import { devicesHelp } from '../../../src/sources/router/devices-help.js';
import { readPasswordFile } from '../../../src/sources/router/password-file.js';

const ALL_FLAGS = [
  '-B', '-C', '-E', '-G', '-H', '-I', '-J', '-K', '-L', '-M', '-N', '-O', '-P', '-Q', '-R', '-S', '-T', '-V', '-W', '-X', '-Y', '-Z',
  '-1', '-2', '-3', '-4', '-5', '-6', '-7', '-8', '-9', '--VWBR', '--WBR', '--WTG624', '--Draytek', '--Netvanta', '--VT1000v', '--Belkin_f5d7230',
];

describe('device table', () => {
  test('every device option of the original is a CLI option, with the original getopt arity', () => {
    assert.deepEqual(new Set(DEVICE_CLI_OPTIONS.map((o) => o.flag)), new Set(ALL_FLAGS));
    const noValue = DEVICE_CLI_OPTIONS.filter((o) => !o.takesValue).map((o) => o.flag).sort();
    // getopt: "E", "G", "S", "X", "5" without ':'; VWBR, VT1000v, Belkin_f5d7230 without '='.
    assert.deepEqual(noValue, ['--Belkin_f5d7230', '--VT1000v', '--VWBR', '-5', '-E', '-G', '-S', '-X']);
  });

  test('the priority order is the original one (§11.1) and every device has a usual address but the RT338', () => {
    assert.deepEqual(DEVICE_TABLE.slice(0, 4).map((d) => d.flag), ['-Y', '-3', '-4', '-K']);
    assert.equal(DEVICE_TABLE.at(-1)?.flag, '-T');
    assert.deepEqual(DEVICE_TABLE.filter((d) => !d.usualAddress).map((d) => d.flag), ['-3']);
  });

  test('--devices lists one line per option', () => {
    const help = devicesHelp();
    for (const flag of ALL_FLAGS) assert.ok(help.includes(`         ${flag}`), `${flag} in --devices`);
    assert.ok(help.includes('-U username'));
  });
});

describe('selectDevice', () => {
  test('none given: undefined; several given: the original priority wins, the others are named', () => {
    assert.equal(selectDevice({}), undefined);
    const selection = selectDevice({ L: 'pw', Y: 'pw2' });
    assert.ok(selection?.ok);
    assert.equal(selection.choice.device.flag, '-Y');
    assert.deepEqual(selection.choice.ignored, ['-L']);
  });

  test('modifiers: -B --VWBR, -S --WBR pw, -S --WBR pw --VWBR', () => {
    const pick = (given: Record<string, string | boolean>) => { const s = selectDevice(given); assert.ok(s?.ok); return s.choice; };
    assert.equal(pick({ B: 'pw', VWBR: true }).device.id, 'B+VWBR');
    assert.deepEqual([pick({ S: true, WBR: 'pw' }).device.id, pick({ S: true, WBR: 'pw' }).password], ['S+WBR', 'pw']);
    assert.equal(pick({ S: true, WBR: 'pw', VWBR: true }).device.id, 'S+WBR+VWBR');
    assert.deepEqual(selectDevice({ WBR: 'pw' }), { ok: false, reason: '--WBR gives the SMC 2404WBR password and needs -S' });
  });

  test('-P port[,password] and -Q password,interface', () => {
    const p = selectDevice({ P: '-1,xyz' });
    assert.ok(p?.ok);
    assert.deepEqual([p.choice.wanPort, p.choice.password], [{ mode: 'force', port: 1 }, 'xyz']);
    const any = selectDevice({ P: 'any' });
    assert.ok(any?.ok);
    assert.deepEqual([any.choice.wanPort, any.choice.password], [{ mode: 'any' }, undefined]);
    assert.equal(selectDevice({ P: 'two' })?.ok, false);
    const q = selectDevice({ Q: 'secret,1' });
    assert.ok(q?.ok);
    assert.deepEqual([q.choice.password, q.choice.pppInterface], ['secret', '1']);
    assert.deepEqual(selectDevice({ Q: 'secret' }), { ok: false, reason: 'bad -Q value: use -Q password,interface (e.g. -Q secret,1)' });
  });

  test('--pfile marks the value as a file name', () => {
    const s = selectDevice({ L: '/etc/ipcheck/router.pw' }, true);
    assert.ok(s?.ok);
    assert.equal(s.choice.passwordIsFile, true);
  });
});

describe('readPasswordFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ipcheck-pfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('strips the trailing line ending only', async () => {
    writeFileSync(join(dir, 'crlf'), 'pa ss\r\n');
    assert.deepEqual(await readPasswordFile(join(dir, 'crlf')), { ok: true, password: 'pa ss' });
  });

  test('a missing file, an empty one, or an option instead of a file name is a clear error', async () => {
    assert.deepEqual(await readPasswordFile(join(dir, 'nope')), {
      ok: false, reason: `cannot read the device password file ${join(dir, 'nope')}: it does not exist; create it with the router password on one line, readable by this user`,
    });
    writeFileSync(join(dir, 'empty'), '\n');
    assert.equal((await readPasswordFile(join(dir, 'empty'))).ok, false);
    assert.match((await readPasswordFile('--L')).ok ? '' : (await readPasswordFile('--L') as { reason: string }).reason, /is an option, not a password file/);
  });
});
