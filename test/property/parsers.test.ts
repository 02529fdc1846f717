// Bad input (issue 7): every parser that reads text from outside (server replies, check pages,
// router pages, log lines, the command line, INI files) on random and adversarial input. None
// may throw anything but its documented error class; every refusal has a message without raw
// control characters (it goes to a terminal, a log or ipcheck.err); and no regular expression
// may take more than a few milliseconds on any input (each call is timed: long runs of digits
// and dots, '1.1.1.1.1…', colons, nested markup, whitespace).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { isStrictDottedQuad, parseAddress } from '../../src/address.js';
import { AccountFileError } from '../../src/cli/account-file.js';
import { buildConfig } from '../../src/cli/build-config.js';
import { ConfigFileError, readIniConfig } from '../../src/cli/ini-config.js';
import { ArgvError, DEVICE_LETTERS, DEVICE_WORDS, GENERAL_LETTERS, normalizeLegacyArgv } from '../../src/cli/legacy-argv.js';
import { FLAG_OPTIONS, OptionsError, parseOptions, VALUE_OPTIONS } from '../../src/cli/options.js';
import { ConfigError } from '../../src/config.js';
import { parseReply, type ReplyInput } from '../../src/protocol/parse-reply.js';
import { firewallLog } from '../../src/sources/firewall-log.js';
import { compileUserPattern } from '../../src/sources/log-scan/guarded-pattern.js';
import { addressesIn, firstAddressIn } from '../../src/sources/log-scan/addresses-in-text.js';
import { addressAfterAnchors, collapseWhitespace } from '../../src/sources/router/address-after-anchor.js';
import type { Anchor } from '../../src/sources/router/device-types.js';
import { pageText } from '../../src/sources/router/page-text.js';
import { addressesInPage } from '../../src/sources/web-checkip.js';

const CASES = Number(process.env.IPCHECK_PARSER_CASES ?? 10_000);
/** Per call; generous so that a busy machine does not fail it (a catastrophic regex takes seconds). */
const MAX_CALL_MS = 50;
const DAY = 24 * 3600_000;
const SCRATCH = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ipcheck-parsers-'));
after(() => rmSync(SCRATCH, { recursive: true, force: true }));

// ---- timing ----

const slowest = new Map<string, { ms: number; input: string }>();

/** Keeps the slowest call per parser. A slow call is run twice more and the fastest run counts: a
 * garbage collection or a busy machine does not repeat, a regex that backtracks does. */
function timed<T>(name: string, input: string, fn: () => T): T {
  const once = () => {
    const started = performance.now();
    const result = fn();
    return { result, ms: performance.now() - started };
  };
  const first = once();
  let { ms } = first;
  if (ms > MAX_CALL_MS / 4) for (let i = 0; i < 2; i++) ms = Math.min(ms, once().ms);
  note(name, input, ms);
  return first.result;
}

async function timedAsync<T>(name: string, input: string, fn: () => Promise<T>): Promise<T> {
  const once = async () => {
    const started = performance.now();
    const result = await fn();
    return { result, ms: performance.now() - started };
  };
  const first = await once();
  let { ms } = first;
  if (ms > MAX_CALL_MS / 4) for (let i = 0; i < 2; i++) ms = Math.min(ms, (await once()).ms);
  note(name, input, ms);
  return first.result;
}

function note(name: string, input: string, ms: number): void {
  if (ms > (slowest.get(name)?.ms ?? -1)) slowest.set(name, { ms, input: input.length > 60 ? `${JSON.stringify(input.slice(0, 60))}… (${input.length} chars)` : JSON.stringify(input) });
}

function assertFast(t: TestContext, name: string): void {
  const worst = slowest.get(name);
  assert.ok(worst, `${name} was never called`);
  t.diagnostic(`${name}: slowest call ${worst.ms.toFixed(2)} ms (${worst.input})`);
  assert.ok(worst.ms < MAX_CALL_MS, `${name} took ${worst.ms.toFixed(1)} ms on ${worst.input}`);
}

// ---- messages ----

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function assertPrintable(what: string, message: string): void {
  assert.ok(message.trim() !== '', `${what}: an empty message`);
  assert.ok(!CONTROL.test(message), `${what}: a raw control character in ${JSON.stringify(message)}`);
}

/** Runs fast-check; a failure shows the shrunk input and the assertion inside it. */
async function check<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void | Promise<void>, numRuns = CASES): Promise<void> {
  try {
    await fc.assert(fc.asyncProperty(arbitrary, async (value) => { await predicate(value); }), { numRuns });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
    assert.fail(shortened(`${error instanceof Error ? error.message : String(error)}${cause}`));
  }
}

/** Counterexamples may be 60 000 characters long: the report keeps both ends. */
function shortened(report: string): string {
  return report.split('\n').map((line) => (line.length > 1500 ? `${line.slice(0, 700)} …[${line.length - 1400} characters]… ${line.slice(-700)}` : line)).join('\n');
}

// ---- text: random, plausible, adversarial ----

/** Any code point, with control characters and the characters regular expressions and markup care about made frequent. */
const CONTROL_CHARS = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u0085', '\u009b'];
const anyText = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom(...CONTROL_CHARS) },
    { weight: 2, arbitrary: fc.constantFrom(...'()[]{}\\.*+?|^$:=/<>&#%"\' -_,;0123456789abc') },
  ),
  maxLength: 200,
});

/** Pieces of what the parsers look for, glued in random order. */
const PIECES = [
  '1', '12', '255', '256', '999', '0', '00', '.', '..', ':', '::', 'ffff', 'a', 'g', '-', ' ', '\t', '\n', '\r\n', '<', '>', '/',
  '81.2.69.160', '10.0.0.1', '2a00:1450::1', '1.2.3.4.5', 'good', 'nochg', 'badauth', '911', 'w5m', 'wu1230', 'DST=', 'IN=eth0',
  '<td>', '</td>', '<b>', '<!--', '-->', '<script>', 'WAN', 'IP Address', 'Address:', '=', '#', ';', '[ipcheck]',
];
const plausible = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

/** Long repetitions of a short unit: what makes a backtracking regex explode. */
const UNITS = ['1', '1.', '1.1', '11.', '1.1.1.1.', '0.', '9', ':', 'a:', 'ffff:', '1:', '::1', ' ', ' \t', '<a>', '<div><span>', '1 ', '.1', 'a', 'DST=1.', 'IN=eth0 '];
const adversarial = fc.tuple(
  fc.array(fc.constantFrom(...UNITS), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
  fc.integer({ min: 100, max: 60_000 }),
  fc.constantFrom('', 'x', '1', '.', ':', '!', ' 81.2.69.160'),
).map(([unit, length, tail]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length) + tail);

const nestedMarkup = fc.tuple(fc.constantFrom('div', 'td', 'a', 'span', 'b'), fc.integer({ min: 1, max: 3000 }), fc.constantFrom('81.2.69.160', '1.2.3', 'x'))
  .map(([tag, depth, inner]) => `<${tag}>`.repeat(depth) + inner + `</${tag}>`.repeat(depth));

const text = fc.oneof({ weight: 5, arbitrary: anyText }, { weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: adversarial });
const markup = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: nestedMarkup });

// ---- the parsers ----

const HOST = fc.tuple(fc.constantFrom('a', 'b', 'home', 'x-1'), fc.constantFrom('example.org', 'dyndns.org')).map(([h, d]) => `${h}.${d}`);

const replyLine = fc.oneof(
  fc.tuple(fc.constantFrom('good', 'nochg', 'notfqdn', 'nohost', '!yours', 'abuse', 'numhost', 'dnserr', 'badauth', 'badagent', 'badsys', '!donator', '911', '!active', 'w5m', 'w10h', 'wu0930', 'w', 'wu9999'),
    fc.oneof(fc.constant(''), fc.constantFrom(' 81.2.69.160', ' 127.0.0.1', ' 2a00:1450::1', ' 81.2.69.160,2a00:1450::1', ' 300.1.1.1'), anyText.map((t) => ` ${t}`)))
    .map(([code, rest]) => code + rest),
  anyText,
);

const replyInput: fc.Arbitrary<ReplyInput> = fc.record({
  status: fc.oneof(fc.constantFrom(200, 200, 200, 401, 429, 500, 502, 503, 301, 302, 404, 400), fc.integer({ min: 100, max: 599 })),
  body: fc.oneof({ weight: 3, arbitrary: fc.array(replyLine, { maxLength: 6 }).chain((lines) => fc.constantFrom('\n', '\r\n', ' \n').map((eol) => lines.join(eol))) }, { weight: 2, arbitrary: text }),
  headers: fc.record({
    'retry-after': fc.option(fc.oneof(fc.integer({ min: -5, max: 2_000_000_000 }).map(String), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), anyText), { nil: undefined }),
    date: fc.option(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), anyText), { nil: undefined }),
    location: fc.option(anyText, { nil: undefined }),
  }, { requiredKeys: [] }),
  hosts: fc.uniqueArray(HOST, { minLength: 1, maxLength: 5 }),
  sent: fc.subarray(['81.2.69.160', '2a00:1450::1', '127.0.0.1']),
  username: fc.constantFrom('alice', 'bob.smith', 'ü-user'),
  system: fc.constantFrom('dyndns', 'statdns', 'custom'),
  now: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  serverFailures: fc.nat({ max: 50 }),
});

describe('parsers never crash, always explain, and stay fast on any input', () => {
  test(`the reply parser (parseReply), ${CASES} cases`, async (t) => {
    await check(replyInput, (input) => {
      const outcomes = timed('parseReply', input.body, () => parseReply(input));
      assert.ok(outcomes.length > 0, 'no outcome at all');
      const covered = new Set<string>();
      let everyHost = false;
      for (const outcome of outcomes) {
        switch (outcome.kind) {
          case 'updated':
            covered.add(outcome.host);
            for (const address of outcome.addresses) assert.ok(parseAddress(address), `not an address: ${address}`);
            break;
          case 'failed':
            assertPrintable('a failed reply', outcome.reason);
            outcome.hosts.forEach((h) => covered.add(h));
            break;
          case 'latched':
            assertPrintable('a latch', outcome.message);
            // The detail goes into a line of ipcheck.err.
            assert.ok(!CONTROL.test(outcome.detail), `a raw control character in the detail ${JSON.stringify(outcome.detail)}`);
            if ('host' in outcome.scope) covered.add(outcome.scope.host); else everyHost = true;
            break;
          case 'wait':
            assertPrintable('a wait', outcome.message);
            assert.ok(Number.isFinite(outcome.until) && outcome.until >= input.now && outcome.until <= input.now + DAY, `a wait until ${outcome.until} (now ${input.now})`);
            if ('host' in outcome.scope) covered.add(outcome.scope.host); else everyHost = true;
            break;
        }
      }
      // Every host gets a result: missing lines are failures, never silence.
      if (!everyHost) for (const host of input.hosts) assert.ok(covered.has(host), `no outcome for ${host}`);
    });
    assertFast(t, 'parseReply');
  });

  test('the reply parser: what the server writes after a code is never kept raw (regression)', (t) => {
    const base: ReplyInput = { status: 200, body: '', headers: {}, hosts: ['a.example.org'], sent: [], username: 'alice', system: 'dyndns', now: 0, serverFailures: 0 };
    for (const body of ['badagent \u0000\u001b[31m', 'nohost \u001b]0;owned\u0007', '!donator \u009b']) {
      for (const outcome of parseReply({ ...base, body })) {
        assert.equal(outcome.kind, 'latched');
        if (outcome.kind === 'latched') {
          assertPrintable(body, outcome.message);
          assert.ok(!CONTROL.test(outcome.detail), JSON.stringify(outcome.detail));
        }
      }
    }
  });

  test(`the check page address extraction (addressesInPage), ${CASES} cases`, async (t) => {
    await check(markup, (body) => {
      const found = timed('addressesInPage', body, () => addressesInPage(body));
      for (const candidate of found) assert.ok(body.includes(candidate), `${candidate} is not in the page`);
    });
    assertFast(t, 'addressesInPage');
  });

  const anchorText = fc.constantFrom('WAN', 'IP Address', 'Address:', 'IP', 'Status', '<td>', 'ppp0', 'inet addr:', '1.', ' ');
  const anchor: fc.Arbitrary<Anchor> = fc.record({
    after: fc.array(anchorText, { minLength: 0, maxLength: 3 }),
    occurrence: fc.constantFrom('first' as const, 'last' as const),
    in: fc.option(fc.constantFrom('text' as const, 'markup' as const), { nil: undefined }),
  }, { requiredKeys: ['after', 'occurrence'] });

  test(`router pages: the address after an anchor (addressAfterAnchors), ${CASES} cases`, async (t) => {
    await check(fc.tuple(markup, fc.array(anchor, { minLength: 1, maxLength: 3 }), fc.option(markup, { nil: undefined })), ([page, anchors, raw]) => {
      const result = timed('addressAfterAnchors', page, () => addressAfterAnchors(page, anchors, raw));
      if (result.found) {
        assert.ok(isStrictDottedQuad(result.address), `not an address: ${result.address}`);
        assert.ok(collapseWhitespace(page).includes(result.address) || collapseWhitespace(raw ?? '').includes(result.address));
      } else {
        assertPrintable('no address after the anchors', result.reason);
      }
    });
    assertFast(t, 'addressAfterAnchors');
  });

  test('router pages: markup to text (pageText, cheerio), 2000 cases', async (t) => {
    // cheerio costs about a millisecond a page; 2000 pages keep this file within its budget. Its
    // HTML parser (parse5) takes time quadratic in the nesting depth (next test), so the timed
    // pages nest at most 300 levels; the regular expressions get the long adversarial texts.
    const page = fc.oneof(
      { weight: 4, arbitrary: fc.oneof(anyText, plausible) },
      { weight: 1, arbitrary: adversarial.filter((t) => !t.includes('<')) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('div', 'td', 'a', 'span', 'b'), fc.integer({ min: 1, max: 300 }), plausible)
        .map(([tag, depth, inner]) => `<${tag}>`.repeat(depth) + inner + `</${tag}>`.repeat(depth)) },
    );
    await pageText('<p>warm-up: the first call loads cheerio</p>');
    await check(page, async (markup) => {
      const parsed = await timedAsync('pageText', markup, () => pageText(markup));
      assert.equal(typeof parsed.text, 'string');
      const search = timed('addressAfterAnchors', parsed.text, () => addressAfterAnchors(parsed.text, [{ after: ['WAN'], occurrence: 'first' }], markup));
      if (search.found) assert.ok(isStrictDottedQuad(search.address));
    }, Math.min(CASES, 2000));
    assertFast(t, 'pageText');
  });

  test('router pages: a page nested 5000 levels deep is read, not a stack overflow', async (t) => {
    const page = `${'<div><span>'.repeat(5000)}WAN IP 81.2.69.160${'</span></div>'.repeat(5000)}`;
    const started = performance.now();
    const parsed = await pageText(page);
    t.diagnostic(`pageText: 5000 levels (${page.length} bytes) in ${(performance.now() - started).toFixed(0)} ms (parse5 is quadratic in the depth)`);
    assert.deepEqual(addressAfterAnchors(parsed.text, [{ after: ['WAN IP'], occurrence: 'first' }]), { found: true, address: '81.2.69.160', anchor: '"WAN IP"' });
  });

  test(`log lines: the addresses in a line (addressesIn, firstAddressIn; -A), ${CASES} cases`, async (t) => {
    // Lines up to 20 000 characters: every IPv6-looking candidate is parsed, so the cost is linear
    // but not small (about a microsecond a character for " ::1 ::1 …"); a backtracking regex
    // would take seconds at this length.
    await check(text.map((t) => t.slice(0, 20_000)), (line) => {
      const all = timed('addressesIn', line, () => addressesIn(line));
      for (const address of all) assert.ok(parseAddress(address), `not an address: ${address}`);
      const first = timed('firstAddressIn', line, () => firstAddressIn(line));
      assert.equal(first, all[0]);
    });
    assertFast(t, 'addressesIn');
    assertFast(t, 'firstAddressIn');
  });

  test('log lines: the firewall log rule (IN=wan … DST=address; -F), 200 generated logs of 50 lines', async (t) => {
    const line = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(fc.constantFrom('eth0', 'ppp0', 'eth1', ''), fc.oneof(fc.constantFrom('81.2.69.160', '10.0.0.1', '255.255.255.255', '2a00:1450::1', '1.2.3.4.5', ''), plausible))
        .map(([iface, dst]) => `Mar  1 10:00:00 gw kernel: [123.4] FW IN=${iface} OUT= SRC=198.51.100.7 DST=${dst} LEN=60 PROTO=TCP`) },
      { weight: 2, arbitrary: text.map((t) => t.replace(/\n/g, ' ')) },
    );
    await check(fc.array(line, { minLength: 50, maxLength: 50 }), async (lines) => {
      const file = join(SCRATCH, 'firewall.log');
      const content = `${lines.join('\n')}\n`;
      writeFileSync(file, content);
      const source = firewallLog({ file, wanInterface: 'eth0', allowPrivate: false }, { now: () => Date.now() });
      const events = await timedAsync('firewall log (50 lines)', content, () => lastValueFrom(source.once().pipe(toArray())));
      assert.ok(events.length > 0);
      for (const event of events) {
        if (event.type === 'SourceFailed') assertPrintable('the firewall log', event.reason);
        if (event.type === 'CandidateObserved') assert.ok(parseAddress(event.address));
      }
    }, 200);
    assertFast(t, 'firewall log (50 lines)');
  });

  test(`log lines: user patterns (--firewall-pattern) compile or are refused with a message, ${CASES} cases`, async (t) => {
    // Regression: the engine's own message quoted the pattern raw.
    const invalid = compileUserPattern('(\u0000');
    assert.ok(!invalid.ok);
    if (!invalid.ok) assertPrintable('an invalid pattern', invalid.reason);
    const pattern = fc.oneof(anyText, plausible.map((p) => `(${p})`), fc.constantFrom('(a+)+$', '([0-9.]+)', '(', '[', '\\', '(?<x>1)', 'DST=(\\S+)'));
    await check(pattern, (source) => {
      const compiled = timed('compileUserPattern', source, () => compileUserPattern(source, { timeoutMs: 20 }));
      if (!compiled.ok) assertPrintable('a refused pattern', compiled.reason);
    });
    assertFast(t, 'compileUserPattern');
  });

  // ---- the command line ----

  const directory = mkdtempSync(join(SCRATCH, 'dir-'));
  const optionValue = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('81.2.69.160', 'a.example.org', 'a.example.org,b.example.org', '60', '0', '-1', '1e9', 'NaN', 'yes', 'ON', 'NOCHG', directory, '/nonexistent', 'https://members.dyndns.org', 'http://[::1]:80/x?y', '80/tcp,time/udp', 'eth0', '') },
    { weight: 2, arbitrary: anyText },
  );
  const optionWord = fc.oneof(
    fc.constantFrom(...FLAG_OPTIONS, ...VALUE_OPTIONS, 'config', 'https_only', ...Object.keys(DEVICE_WORDS)).map((name) => `--${name}`),
    fc.constantFrom(...Object.keys(GENERAL_LETTERS), ...Object.keys(DEVICE_LETTERS)).map((letter) => `-${letter}`),
    fc.array(fc.constantFrom(...Object.keys(GENERAL_LETTERS), ...Object.keys(DEVICE_LETTERS), 'z', '!'), { minLength: 2, maxLength: 4 }).map((letters) => `-${letters.join('')}`),
    fc.tuple(fc.constantFrom(...VALUE_OPTIONS, 'https_only', 'WBR', 'config'), optionValue).map(([name, value]) => `--${name}=${value}`),
    fc.constantFrom('--', '-', '--bogus', '---x'),
  );
  const optionPair = fc.tuple(fc.constantFrom(...VALUE_OPTIONS, 'https_only'), optionValue).map(([name, value]) => [`--${name}`, value]);
  const argv = fc.oneof(
    // Anything at all.
    fc.tuple(
      fc.array(fc.oneof({ weight: 3, arbitrary: optionWord }, { weight: 2, arbitrary: optionValue }, { weight: 1, arbitrary: anyText.map((t) => `-${t}`) }, { weight: 1, arbitrary: anyText.map((t) => `--${t}`) }), { maxLength: 10 }),
      fc.option(fc.tuple(fc.constantFrom('alice', 'al:ice', ''), fc.oneof(fc.constant('pw'), anyText), fc.oneof(fc.constant('a.example.org'), optionValue)), { nil: undefined }),
      fc.boolean(),
    ).map(([words, credentials, withDirectory]) => [...(withDirectory ? ['-d', directory] : []), ...words, ...(credentials ?? [])]),
    // A good command line with a few options of any value: the checks deep in buildConfig.
    fc.tuple(fc.array(fc.oneof(optionPair, optionWord.map((w) => [w])), { minLength: 1, maxLength: 4 }), fc.constantFrom('a.example.org', 'a.example.org,b.example.org'))
      .map(([options, hosts]) => ['-d', directory, ...options.flat(), 'alice', 'pw', hosts]),
  );

  const DOCUMENTED = [ArgvError, OptionsError, ConfigError, ConfigFileError, AccountFileError];

  test(`options: normalizeLegacyArgv + parseOptions + buildConfig, ${CASES} command lines`, async (t) => {
    let accepted = 0;
    await check(argv, (args) => {
      try {
        timed('command line', args.join(' '), () => {
          const normalized = normalizeLegacyArgv(args);
          buildConfig(parseOptions(normalized.argv), normalized.devices);
        });
        accepted++;
      } catch (error) {
        assert.ok(DOCUMENTED.some((kind) => error instanceof kind), `an undocumented ${(error as Error)?.constructor?.name}: ${(error as Error)?.stack ?? String(error)}`);
        assertPrintable(`${(error as Error).constructor.name} for ${JSON.stringify(args)}`, (error as Error).message);
      }
    });
    t.diagnostic(`options: ${accepted} of ${CASES} command lines gave a configuration`);
    assertFast(t, 'command line');
  });

  test('options: the cases the properties found (regressions)', () => {
    /** Accepted, or refused with a documented error and a clean message: never a crash. */
    const outcome = (args: string[]): Error | undefined => {
      try {
        const normalized = normalizeLegacyArgv(args);
        buildConfig(parseOptions(normalized.argv), normalized.devices);
        return undefined;
      } catch (error) {
        assert.ok(DOCUMENTED.some((kind) => error instanceof kind), `an undocumented ${(error as Error)?.constructor?.name} for ${JSON.stringify(args)}: ${(error as Error)?.message}`);
        assertPrintable(JSON.stringify(args), (error as Error).message);
        return error as Error;
      }
    };
    const refused = (args: string[], kind: new (...a: never[]) => Error) => {
      const error = outcome(args);
      assert.ok(error instanceof kind, `${JSON.stringify(args)}: ${error ? `${error.constructor.name}: ${error.message}` : 'accepted'}`);
    };
    // yargs 18 crashed with a TypeError on these (it put `true` where its operand list belongs).
    assert.ok(outcome(['--_']));
    outcome(['--_', 'alice', 'pw', 'a.example.org']);
    refused(['--config=\u0000'], ConfigFileError); // the path and node's message, raw
    refused(['-d', directory, '--forward', '\u0000', 'alice', 'pw', 'a.example.org'], ConfigError);
    refused(['-d', directory, '--interval', '\u009b31m', 'alice', 'pw', 'a.example.org'], ConfigError); // C1 CSI: JSON.stringify keeps it
    refused(['-d', `${directory}/\u001b[2J`, 'alice', 'pw', 'a.example.org'], ConfigError);
    refused(['-\u001bq'], ArgvError);
  });

  // ---- INI files ----

  const iniKey = fc.oneof(
    fc.constantFrom('opt_username', 'opt_password', 'opt_hostnames', 'opt_address', 'opt_wildcard', 'opt_force', 'touchage', 'routerip', 'opt_https_only', 'server', 'min-interval', 'touch_days', 'OPT_USERNAME', '__proto__', 'constructor'),
    anyText.filter((k) => !/[\r\n]/.test(k)),
  );
  const iniLine = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('[ipcheck]', '[IPCHECK]', ' [ ipcheck ] ', '[other]', '[', '[]', '# comment', '; comment', '') },
    { weight: 5, arbitrary: fc.tuple(iniKey, fc.constantFrom('=', ':', ' = ', ' : '), optionValue.map((v) => v.replace(/[\r\n]/g, ''))).map(([k, sep, v]) => `${k}${sep}${v}`) },
    { weight: 1, arbitrary: anyText.map((t) => t.replace(/[\r\n]/g, '')) },
  );
  const iniFile = fc.tuple(fc.array(iniLine, { maxLength: 15 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
    .map(([lines, eol, section]) => (section ? ['[ipcheck]', ...lines] : lines).join(eol));

  test(`INI files (readIniConfig), ${CASES} generated files`, async (t) => {
    const file = join(SCRATCH, 'ipcheck.conf');
    let read = 0;
    await check(iniFile, (content) => {
      writeFileSync(file, content, { mode: 0o600 });
      try {
        const ini = timed('readIniConfig', content, () => readIniConfig(file));
        for (const warning of ini.warnings) assertPrintable('an INI warning', warning);
        assert.equal(Object.getPrototypeOf(ini.values), Object.prototype, 'the values object keeps its prototype');
        read++;
      } catch (error) {
        assert.ok(error instanceof ConfigFileError, `an undocumented ${(error as Error)?.constructor?.name}: ${(error as Error)?.stack ?? String(error)}`);
        assertPrintable('ConfigFileError', error.message);
      }
    });
    t.diagnostic(`INI: ${read} of ${CASES} files were read`);
    assertFast(t, 'readIniConfig');
  });

  test('INI files through buildConfig (--config), 1000 generated files', async (t) => {
    const file = join(SCRATCH, 'through.conf');
    await check(iniFile, (content) => {
      writeFileSync(file, content, { mode: 0o600 });
      try {
        const normalized = normalizeLegacyArgv(['-d', directory, '--config', file]);
        buildConfig(parseOptions(normalized.argv), normalized.devices);
      } catch (error) {
        assert.ok(DOCUMENTED.some((kind) => error instanceof kind), `an undocumented ${(error as Error)?.constructor?.name}: ${(error as Error)?.stack ?? String(error)}`);
        assertPrintable(`${(error as Error).constructor.name}`, (error as Error).message);
      }
    }, Math.min(CASES, 1000));
  });
});
