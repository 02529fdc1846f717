// Reads marbles/*.txt (the format is written down in marbles/README.md): cases separated by
// blank lines, each a title comment, marble lines, an `op:` line and a legend of values.
// Every column of a marble is one frame, so the lines of a case must line up: the parser
// checks that frame 0 sits in the same column on every marble line.

export interface MarbleLine {
  readonly key: string;
  readonly marble: string;
  /** 1-based line number in the file, for messages. */
  readonly line: number;
}

export interface MarbleCase {
  readonly file: string;
  readonly line: number;
  readonly title: string;
  readonly comments: readonly string[];
  /** A `# BUG:` comment marks a case that shows the correct behaviour of a known bug. */
  readonly bug: boolean;
  readonly operator: string;
  readonly args: ReadonlyMap<string, string>;
  /** `in:` alone, or `in1:`, `in2:` … in order. */
  readonly inputs: readonly MarbleLine[];
  readonly out: MarbleLine;
  /** When the test unsubscribes from the output (`unsub:`). */
  readonly unsub?: MarbleLine;
  /** Expected subscriptions per input (`in-subs:`, `in2-subs:`, `states-subs:`), one line per subscription. */
  readonly subscriptions: ReadonlyMap<string, readonly MarbleLine[]>;
  /** `state:` facts (a state known from the start), one entry per line. */
  readonly stateFacts: readonly string[];
  /** `states:` a marble of states; its letters are state facts in the legend. */
  readonly states?: MarbleLine;
  readonly values: ReadonlyMap<string, string>;
}

const MARBLE_KEYS = /^(in\d*|out|unsub|states|(?:in\d*|states)-subs)$/;
const MARBLE_CHARS = /^[-|#^!()a-zA-Z]*$/;

function parseError(file: string, line: number, message: string): Error {
  return new Error(`${file}:${line}: ${message}`);
}

/**
 * The column of frame 0: on an event marble the `^` if there is one (a hot input, or the output
 * of one), else the first character; on a subscription marble (`^` = subscribed) the first character.
 */
function zeroColumn(raw: string, valueStart: number, subscription: boolean): number {
  const caret = raw.indexOf('^', valueStart);
  if (caret >= 0 && !subscription) return caret;
  const first = raw.slice(valueStart).search(/\S/);
  return first < 0 ? -1 : valueStart + first;
}

export function parseMarbleFile(file: string, text: string): MarbleCase[] {
  const lines = text.split(/\r?\n/);
  const cases: MarbleCase[] = [];
  let block: { line: number; raw: string }[] = [];
  const flush = () => {
    if (block.length > 0) {
      const parsed = parseBlock(file, block);
      if (parsed) cases.push(parsed);
    }
    block = [];
  };
  lines.forEach((raw, index) => {
    if (raw.trim() === '') flush();
    else block.push({ line: index + 1, raw });
  });
  flush();
  return cases;
}

/** One block: a case, or (when it has only comments) prose about the file. */
function parseBlock(file: string, block: readonly { line: number; raw: string }[]): MarbleCase | undefined {
  const comments: string[] = [];
  const marbles = new Map<string, MarbleLine[]>();
  const values = new Map<string, string>();
  const stateFacts: string[] = [];
  let op: { line: number; text: string } | undefined;
  const alignment: { key: string; line: number; column: number }[] = [];
  const start = block[0]?.line ?? 0;

  for (const { line, raw } of block) {
    if (raw.trimStart().startsWith('#')) { comments.push(raw.trim().replace(/^#\s?/, '')); continue; }
    const match = /^([A-Za-z][\w-]*):/.exec(raw);
    if (!match) throw parseError(file, line, `expected "# comment", "key: …" or "x: value", found "${raw}"`);
    const key = match[1] ?? '';
    const valueStart = match[0].length;
    const value = raw.slice(valueStart).trim();
    if (key.length === 1) {
      if (values.has(key)) throw parseError(file, line, `value "${key}" is defined twice`);
      values.set(key, value);
    } else if (key === 'op') {
      if (op) throw parseError(file, line, 'a case has one op: line');
      op = { line, text: value };
    } else if (key === 'state') {
      stateFacts.push(value);
    } else if (MARBLE_KEYS.test(key)) {
      if (!MARBLE_CHARS.test(value)) {
        throw parseError(file, line, `"${value}" is not a marble: use - | # ^ ! ( ) and letters only (no blanks inside, no 5ms time syntax, no digits)`);
      }
      if (key !== 'unsub' && !key.endsWith('-subs') && value.includes('!')) throw parseError(file, line, '"!" belongs on an unsub: or …-subs: line');
      const list = marbles.get(key) ?? [];
      if (list.length > 0 && !key.endsWith('-subs')) throw parseError(file, line, `"${key}:" appears twice`);
      list.push({ key, marble: value, line });
      marbles.set(key, list);
      const column = zeroColumn(raw, valueStart, key === 'unsub' || key.endsWith('-subs'));
      if (column >= 0) alignment.push({ key, line, column });
    } else {
      throw parseError(file, line, `unknown key "${key}:" (in, in1…, out, op, unsub, state, states, in-subs, in1-subs…, states-subs, or a one-letter value)`);
    }
  }

  if (!op && marbles.size === 0 && values.size === 0 && stateFacts.length === 0) return undefined; // prose
  if (comments.length === 0 || !block[0]?.raw.trimStart().startsWith('#')) throw parseError(file, start, 'a case starts with a comment line that says what it shows');
  if (!op || op.text === '') throw parseError(file, start, 'the case has no "op:" line naming the operator');
  const outLines = marbles.get('out');
  if (!outLines?.[0]) throw parseError(file, start, 'the case has no "out:" line');

  const [first] = alignment;
  const misaligned = alignment.find((a) => a.column !== first?.column);
  if (first && misaligned) {
    throw parseError(file, misaligned.line, `"${misaligned.key}:" starts frame 0 in column ${misaligned.column + 1}, but "${first.key}:" in column ${first.column + 1}: line the marbles up (frame 0 is the "^", or the first character)`);
  }

  const [operator = '', ...argTokens] = op.text.split(/\s+/);
  const args = new Map<string, string>();
  for (const token of argTokens) {
    const eq = token.indexOf('=');
    if (eq <= 0) throw parseError(file, op.line, `argument "${token}" is not name=value`);
    args.set(token.slice(0, eq), token.slice(eq + 1));
  }

  const single = marbles.get('in')?.[0];
  const numbered = [...marbles.keys()].filter((k) => /^in\d+$/.test(k)).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  if (single && numbered.length > 0) throw parseError(file, single.line, 'use either "in:" or "in1:", "in2:" …, not both');
  numbered.forEach((key, index) => {
    if (key !== `in${index + 1}`) throw parseError(file, start, `inputs are numbered in1, in2, … without gaps (found ${numbered.join(', ')})`);
  });
  const inputs = single ? [single] : numbered.flatMap((k) => marbles.get(k) ?? []);

  const subscriptions = new Map<string, MarbleLine[]>();
  for (const [key, list] of marbles) {
    if (!key.endsWith('-subs')) continue;
    const of = key.slice(0, -'-subs'.length);
    if (!marbles.has(of)) throw parseError(file, list[0]?.line ?? start, `"${key}:" names "${of}", which this case does not have`);
    subscriptions.set(of, list);
  }

  const states = marbles.get('states')?.[0];
  if (states && stateFacts.length > 0) throw parseError(file, states.line, 'use either "state:" facts or a "states:" marble, not both');

  const unsub = marbles.get('unsub')?.[0];
  return {
    file,
    line: start,
    title: comments[0] ?? '',
    comments,
    bug: comments.some((c) => c.startsWith('BUG:')),
    operator,
    args,
    inputs,
    out: outLines[0],
    ...(unsub ? { unsub } : {}),
    subscriptions,
    stateFacts,
    ...(states ? { states } : {}),
    values,
  };
}
