// States for the legacy-file tests, built the way the program builds them: by folding events.
import type { Event, EventBody } from '../../src/events.js';
import { fold, foldAll, type State } from '../../src/state.js';

/** Numbers the bodies as the event log would (seq from 1, `stepMs` apart from `start`) and folds them. */
export function stateOf(start: number, bodies: readonly EventBody[], stepMs = 1000): State {
  return foldAll(bodies.map((body, i) => ({ ...body, seq: i + 1, at: start + i * stepMs }) as Event));
}

/** Folds more bodies onto a state, all at time `at`, as the pipeline records reconcile's events. */
export function applied(state: State, bodies: readonly EventBody[], at: number): State {
  return bodies.reduce((s, body, i) => fold(s, { ...body, seq: state.seq + 1 + i, at } as Event), state);
}
