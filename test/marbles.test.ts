// Runs every case of marbles/*.txt with the RxJS TestScheduler (the format is in
// marbles/README.md). Events are compared in their text form, so a failure reads like the file.
// Also checks that every operator in src/operators/ has a marble file with the fixed edge
// cases, and that every marble file names a registered operator.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import { map, type Observable, of, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { EventBody } from '../src/events.js';
import type { State } from '../src/state.js';
import { decideUpdates, type UpdatePolicy } from '../src/operators/decide-updates.js';
import { applyIpv6Suffix } from '../src/operators/apply-ipv6-suffix.js';
import { dropRepeats } from '../src/operators/drop-repeats.js';
import { fallbackChain } from '../src/operators/fallback-chain.js';
import { firstSourceWithCandidate } from '../src/operators/first-source-with-candidate.js';
import { recheckTimer } from '../src/operators/next-recheck.js';
import { rejectInvalid } from '../src/operators/reject-invalid.js';
import { parseMarbleFile, type MarbleCase } from './support/marble-file.js';
import { buildState, canonicalEvent, duration, formatEvent, parseEvent } from './support/marble-vocabulary.js';

const MARBLES_DIR = fileURLToPath(new URL('../marbles/', import.meta.url));
const OPERATORS_DIR = fileURLToPath(new URL('../src/operators/', import.meta.url));

// ---- the registry: operator name (as in `op:`) → factory ----

/** The `name=value` words of an `op:` line; a name the factory does not read is an error. */
class OperatorArgs {
  private readonly read = new Set<string>();
  constructor(private readonly raw: ReadonlyMap<string, string>) {}

  private take(name: string): string | undefined {
    this.read.add(name);
    return this.raw.get(name);
  }

  boolean(name: string, fallback: boolean): boolean {
    const text = this.take(name);
    if (text === undefined) return fallback;
    if (text !== 'true' && text !== 'false') throw new Error(`${name}=${text}: write true or false`);
    return text === 'true';
  }

  integer(name: string, fallback: number): number {
    const text = this.take(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text)) throw new Error(`${name}=${text}: write a whole number`);
    return Number(text);
  }

  /** Frames (virtual ms) or 30s, 10m, 2h, 1d. */
  duration(name: string, fallback?: number): number {
    const text = this.take(name);
    if (text === undefined) {
      if (fallback === undefined) throw new Error(`the operator needs ${name}=…`);
      return fallback;
    }
    return duration(text);
  }

  list(name: string): string[];
  list(name: string, fallback: string[]): string[];
  list(name: string, fallback?: string[]): string[] {
    const text = this.take(name);
    if (text) return text.split(',');
    if (fallback === undefined) throw new Error(`the operator needs ${name}=a,b,…`);
    return fallback;
  }

  assertAllRead(): void {
    const unknown = [...this.raw.keys()].filter((name) => !this.read.has(name));
    if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(', ')}`);
  }
}

interface MarbleContext {
  readonly scheduler: TestScheduler;
  readonly state$: Observable<State> | undefined;
}

type UnderTest = (inputs: readonly Observable<EventBody>[]) => Observable<EventBody>;

interface RegisteredOperator {
  /** Its source file in src/operators/, without .ts; marbles/<file>.txt holds its cases. */
  readonly file: string;
  /** `one`: an `in:` line; `list`: `in1:`, `in2:` … (none at all is allowed); `none`: it reads only the state. */
  readonly inputs: 'one' | 'list' | 'none';
  readonly readsState: boolean;
  readonly factory: (args: OperatorArgs, context: MarbleContext) => UnderTest;
}

function onInput(operator: OperatorFunction<EventBody, EventBody>): UnderTest {
  return ([input]) => {
    if (!input) throw new Error('the operator needs an "in:" line');
    return input.pipe(operator);
  };
}

function needState(state$: Observable<State> | undefined): Observable<State> {
  if (!state$) throw new Error('the operator reads the state: give "state:" facts (state: empty for none) or a "states:" marble');
  return state$;
}

/** The update policy (the options -f, -o, touch days, --min-interval) from `op:` arguments. */
function updatePolicy(args: OperatorArgs): UpdatePolicy {
  return {
    hosts: args.list('hosts'),
    force: args.boolean('force', false),
    offline: args.boolean('offline', false),
    touchDays: args.integer('touchDays', 25),
    minIntervalMs: args.duration('minInterval', 0),
  };
}

const OPERATORS: Readonly<Record<string, RegisteredOperator>> = {
  rejectInvalid: {
    file: 'reject-invalid',
    inputs: 'one',
    readsState: false,
    factory: (args) => onInput(rejectInvalid({ allowPrivate: args.boolean('allowPrivate', false) })),
  },
  applyIpv6Suffix: {
    file: 'apply-ipv6-suffix',
    inputs: 'one',
    readsState: false,
    factory: (args) => onInput(applyIpv6Suffix(args.list('suffix')[0] as string)),
  },
  dropRepeats: {
    file: 'drop-repeats',
    inputs: 'one',
    readsState: false,
    factory: () => onInput(dropRepeats()),
  },
  decideUpdates: {
    file: 'decide-updates',
    inputs: 'one',
    readsState: true,
    factory: (args, { scheduler, state$ }) => onInput(decideUpdates(needState(state$), updatePolicy(args), scheduler)),
  },
  firstSourceWithCandidate: {
    file: 'first-source-with-candidate',
    inputs: 'list',
    readsState: false,
    factory: () => (inputs) => firstSourceWithCandidate(inputs),
  },
  fallbackChain: {
    file: 'fallback-chain',
    inputs: 'list',
    readsState: false,
    factory: (args, { scheduler }) => {
      const silenceMs = args.duration('silence');
      const names = args.list('names', []);
      return (inputs) => fallbackChain(inputs.map((events, i) => ({ name: names[i] ?? `in${i + 1}`, events })), { silenceMs }, scheduler);
    },
  },
  recheckTimer: {
    file: 'next-recheck',
    inputs: 'none',
    readsState: true,
    factory: (args, { scheduler, state$ }) => {
      const timer$ = recheckTimer(needState(state$), updatePolicy(args), scheduler);
      return () => timer$;
    },
  },
};

// ---- names: src/operators/drop-repeats.ts ↔ marbles/drop-repeats.txt ↔ registry entries with file 'drop-repeats' ----

function registeredFor(file: string): string[] {
  return Object.entries(OPERATORS).filter(([, entry]) => entry.file === file).map(([name]) => name);
}

function operatorFiles(): string[] {
  return readdirSync(OPERATORS_DIR).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).map((name) => basename(name, '.ts')).sort();
}

function marbleFiles(): string[] {
  return readdirSync(MARBLES_DIR).filter((name) => name.endsWith('.txt')).sort();
}

// ---- readable failures ----

interface TestMessage {
  readonly frame: number;
  readonly notification: { readonly kind: 'N' | 'E' | 'C'; readonly value?: unknown; readonly error?: unknown };
}

interface SubscriptionLogLike {
  readonly subscribedFrame: number;
  readonly unsubscribedFrame: number;
}

function isMessages(value: unknown): value is TestMessage[] {
  return Array.isArray(value) && value.every((m) => typeof m === 'object' && m !== null && 'notification' in m);
}

/** Draws notifications as a marble; undefined when two of them are too close to draw. */
function drawMarble(messages: readonly TestMessage[], letterOf: (text: string) => string): string | undefined {
  let drawing = '';
  let position = 0;
  const frames = [...new Set(messages.map((m) => m.frame))].sort((a, b) => a - b);
  for (const frame of frames) {
    if (frame < position) return undefined;
    const chars = messages.filter((m) => m.frame === frame).map((m) => (
      m.notification.kind === 'N' ? letterOf(String(m.notification.value)) : m.notification.kind === 'C' ? '|' : '#'));
    const token = chars.length === 1 ? chars[0] ?? '' : `(${chars.join('')})`;
    drawing += '-'.repeat(frame - position) + token;
    position = frame + token.length;
  }
  return drawing;
}

function listMessages(messages: readonly TestMessage[]): string {
  if (messages.length === 0) return '    (nothing)';
  return messages.map((m) => {
    const what = m.notification.kind === 'N' ? String(m.notification.value)
      : m.notification.kind === 'C' ? '| complete' : `# error: ${String(m.notification.error)}`;
    return `    frame ${String(m.frame).padStart(3)}  ${what}`;
  }).join('\n');
}

function drawSubscription(log: SubscriptionLogLike): string {
  const start = '-'.repeat(log.subscribedFrame) + '^';
  return log.unsubscribedFrame === Infinity ? `${start} (never unsubscribed)` : start + '-'.repeat(Math.max(0, log.unsubscribedFrame - log.subscribedFrame - 1)) + '!';
}

/** TestScheduler's comparison: one label per expectation, in the order they were registered. */
function comparer(marbleCase: MarbleCase, labels: readonly string[], letters: ReadonlyMap<string, string>) {
  let index = 0;
  const spare = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !marbleCase.values.has(c));
  const extra = new Map<string, string>();
  const letterOf = (text: string): string => {
    const known = letters.get(text) ?? extra.get(text);
    if (known) return known;
    const letter = spare[extra.size] ?? '?';
    extra.set(text, letter);
    return letter;
  };
  return (actual: unknown, expected: unknown): void => {
    const label = labels[index++] ?? 'expectation';
    if (isDeepStrictEqual(actual, expected)) return;
    const where = `${marbleCase.file}:${marbleCase.line} "${marbleCase.title}"`;
    if (isMessages(actual) && isMessages(expected)) {
      const drawn = drawMarble(actual, letterOf);
      const legend = [...extra].map(([text, letter]) => `  ${letter}: ${text}`).join('\n');
      throw new assert.AssertionError({
        message: [
          `${where}: ${label} differs`,
          `  expected: ${marbleCase.out.marble}`,
          `  actual:   ${drawn ?? '(too close to draw; see the list)'}`,
          ...(legend ? ['  where', legend] : []),
          '  expected notifications:', listMessages(expected),
          '  actual notifications:', listMessages(actual),
        ].join('\n'),
        actual: actual.map((m) => `${m.frame} ${m.notification.kind} ${String(m.notification.value ?? m.notification.error ?? '')}`),
        expected: expected.map((m) => `${m.frame} ${m.notification.kind} ${String(m.notification.value ?? m.notification.error ?? '')}`),
        operator: 'deepStrictEqual',
      });
    }
    const draw = (logs: unknown) => (Array.isArray(logs) ? (logs as SubscriptionLogLike[]).map(drawSubscription) : [String(logs)]);
    throw new assert.AssertionError({
      message: `${where}: ${label} differ\n  expected: ${draw(expected).join('  ') || '(never subscribed)'}\n  actual:   ${draw(actual).join('  ') || '(never subscribed)'}`,
      actual: draw(actual),
      expected: draw(expected),
      operator: 'deepStrictEqual',
    });
  };
}

// ---- running a case ----

function lettersOf(marble: string): string[] {
  return [...new Set(marble.replace(/[-|#^!()]/g, ''))];
}

function valuesFor<T>(marbleCase: MarbleCase, key: string, marble: string, convert: (text: string) => T): Record<string, T> {
  const values: Record<string, T> = {};
  for (const letter of lettersOf(marble)) {
    const text = marbleCase.values.get(letter);
    if (text === undefined) throw new Error(`${marbleCase.file}:${marbleCase.line}: "${key}:" uses "${letter}", which has no value line`);
    try {
      values[letter] = convert(text);
    } catch (error) {
      throw new Error(`${marbleCase.file}:${marbleCase.line}: value ${letter}: ${(error as Error).message}`);
    }
  }
  return values;
}

function checkCase(marbleCase: MarbleCase, operator: RegisteredOperator): void {
  const where = `${marbleCase.file}:${marbleCase.line}`;
  if (operator.inputs === 'one' && (marbleCase.inputs.length !== 1 || marbleCase.inputs[0]?.key !== 'in')) {
    throw new Error(`${where}: ${marbleCase.operator} takes one input: write it on an "in:" line`);
  }
  if (operator.inputs === 'list' && marbleCase.inputs.some((line) => line.key === 'in')) {
    throw new Error(`${where}: ${marbleCase.operator} takes a list of inputs: write them on "in1:", "in2:" … lines`);
  }
  if (operator.inputs === 'none' && marbleCase.inputs.length > 0) {
    throw new Error(`${where}: ${marbleCase.operator} reads only the state: remove the "in" lines`);
  }
  const readsState = marbleCase.stateFacts.length > 0 || marbleCase.states !== undefined;
  if (readsState && !operator.readsState) throw new Error(`${where}: ${marbleCase.operator} reads no state; remove the state lines`);
  const used = new Set([...marbleCase.inputs, marbleCase.out, ...(marbleCase.states ? [marbleCase.states] : [])].flatMap((line) => lettersOf(line.marble)));
  const unused = [...marbleCase.values.keys()].filter((letter) => !used.has(letter));
  if (unused.length > 0) throw new Error(`${where}: value(s) ${unused.join(', ')} appear on no marble line`);
  buildState(marbleCase.stateFacts, 0); // so a mistake in a fact is reported as such
}

function runCase(marbleCase: MarbleCase): void {
  const operator = OPERATORS[marbleCase.operator];
  if (!operator) throw new Error(`${marbleCase.file}:${marbleCase.line}: unknown operator "${marbleCase.operator}" (known: ${Object.keys(OPERATORS).join(', ')})`);
  checkCase(marbleCase, operator);

  // Expected values are the canonical text of the legend; anything else is a typo waiting to happen.
  const expected = valuesFor(marbleCase, 'out', marbleCase.out.marble, (text) => {
    const canonical = canonicalEvent(text);
    if (canonical !== text) throw new Error(`write the expected event as "${canonical}"`);
    return canonical;
  });
  const letters = new Map(Object.entries(expected).map(([letter, text]) => [text, letter]));
  const labels = ['the output', ...[...marbleCase.subscriptions.keys()].map((key) => `the subscriptions of ${key}`)];
  const scheduler = new TestScheduler(comparer(marbleCase, labels, letters));

  scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const create = <T>(marble: string, values: Record<string, T>) => (marble.includes('^') ? hot(marble, values) : cold(marble, values));
    const inputs = marbleCase.inputs.map((line) => create(line.marble, valuesFor(marbleCase, line.key, line.marble, parseEvent)));

    // Relative times in states count from frame 0 (virtual time 0), like the columns of the diagram.
    const states = marbleCase.states
      ? create(marbleCase.states.marble, valuesFor(marbleCase, 'states', marbleCase.states.marble, (text) => buildState([text], 0)))
      : undefined;
    const state$: Observable<State> | undefined = states ?? (marbleCase.stateFacts.length > 0 ? of(buildState(marbleCase.stateFacts, 0)) : undefined);

    const args = new OperatorArgs(marbleCase.args);
    const underTest = operator.factory(args, { scheduler, state$ });
    args.assertAllRead();

    expectObservable(underTest(inputs).pipe(map(formatEvent)), marbleCase.unsub?.marble).toBe(marbleCase.out.marble, expected);
    for (const [key, lines] of marbleCase.subscriptions) {
      const observed = key === 'states' ? states : inputs[marbleCase.inputs.findIndex((line) => line.key === key)];
      if (!observed) throw new Error(`${marbleCase.file}:${marbleCase.line}: nothing to check subscriptions of for "${key}"`);
      expectSubscriptions(observed.subscriptions).toBe(lines.map((line) => line.marble));
    }
  });
}

// ---- the tests ----

const parsed = marbleFiles().map((file) => {
  try {
    return { file, cases: parseMarbleFile(`marbles/${file}`, readFileSync(join(MARBLES_DIR, file), 'utf8')) };
  } catch (error) {
    return { file, error: error as Error, cases: [] as MarbleCase[] };
  }
});

describe('marble files and operators', () => {
  test('every operator in src/operators/ has a marble file and a registry entry', () => {
    const files = new Set(marbleFiles());
    const missing = operatorFiles().filter((name) => !files.has(`${name}.txt`));
    assert.deepEqual(missing, [], `src/operators/ has operators without marbles/<name>.txt: ${missing.join(', ')}`);
    const unregistered = operatorFiles().filter((name) => registeredFor(name).length === 0);
    assert.deepEqual(unregistered, [], `operators missing from the registry in test/marbles.test.ts: ${unregistered.join(', ')}`);
  });

  test('every registry entry is an operator in src/operators/', () => {
    const files = new Set(operatorFiles());
    assert.deepEqual(Object.entries(OPERATORS).filter(([, entry]) => !files.has(entry.file)).map(([name, entry]) => `${name}: no src/operators/${entry.file}.ts`), []);
  });

  test('every marble file is for an operator, and every case names one of that file', () => {
    const problems = parsed.flatMap(({ file, cases }) => {
      const own = registeredFor(basename(file, '.txt'));
      const fileProblems = own.length > 0 ? [] : [`marbles/${file}: no registered operator from src/operators/${basename(file, '.txt')}.ts (a marble file is named after the operator's source file)`];
      return [...fileProblems, ...cases
        .filter((c) => !own.includes(c.operator))
        .map((c) => `${c.file}:${c.line}: names "${c.operator}", ${c.operator in OPERATORS ? `which is not from ${basename(file, '.txt')}.ts` : 'an unknown operator'}`)];
    });
    assert.deepEqual(problems, []);
  });

  test('every marble file has the fixed edge cases: empty, never, error, unsubscribe', () => {
    const problems = parsed.flatMap(({ file, cases }) => {
      // The inputs of a case: its in lines, or its states when the operator reads only the state.
      const inputsOf = (c: MarbleCase) => (c.inputs.length > 0 ? c.inputs : c.states ? [c.states] : []);
      const has = {
        empty: cases.some((c) => inputsOf(c).length > 0 && inputsOf(c).every((line) => line.marble === '|')),
        never: cases.some((c) => inputsOf(c).some((line) => /^-+$/.test(line.marble))),
        error: cases.some((c) => inputsOf(c).some((line) => line.marble.includes('#'))),
        unsubscribe: cases.some((c) => c.unsub !== undefined),
      };
      return Object.entries(has).filter(([, present]) => !present).map(([edge]) => `marbles/${file}: no "${edge}" case`);
    });
    assert.deepEqual(problems, []);
  });
});

for (const { file, cases, error } of parsed) {
  describe(`marbles/${file}`, () => {
    if (error) {
      test('the file parses', () => { throw error; });
      return;
    }
    test('the file has cases', () => assert.ok(cases.length > 0, `marbles/${file} holds no case`));
    for (const marbleCase of cases) {
      test(`${marbleCase.bug ? '[BUG] ' : ''}${marbleCase.title} (line ${marbleCase.line})`, () => runCase(marbleCase));
    }
  });
}
