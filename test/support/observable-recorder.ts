// Subscribes to an Observable and records what it emits, so a test can wait (bounded) until
// something has been seen: for sources that follow files, interfaces and agents in real time.
import type { Observable, Subscription } from 'rxjs';

export interface ObservableRecorder<T> {
  readonly values: T[];
  readonly errors: unknown[];
  completed: boolean;
  /** Resolves with the first recorded value (from index `from` on) that satisfies `predicate`. */
  waitFor(predicate: (value: T) => boolean, options?: { timeoutMs?: number; from?: number; what?: string }): Promise<T>;
  stop(): void;
}

export function record<T>(observable: Observable<T>): ObservableRecorder<T> {
  const waiters = new Set<() => void>();
  const recorder: ObservableRecorder<T> & { subscription?: Subscription } = {
    values: [],
    errors: [],
    completed: false,
    waitFor(predicate, options = {}) {
      const timeoutMs = options.timeoutMs ?? 5000;
      const from = options.from ?? 0;
      return new Promise<T>((resolve, reject) => {
        const check = (): boolean => {
          const found = recorder.values.slice(from).find(predicate);
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a value'}; recorded: ${JSON.stringify(recorder.values, null, 1)}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter = () => void check();
        if (!check()) waiters.add(waiter);
      });
    },
    stop() {
      recorder.subscription?.unsubscribe();
    },
  };
  recorder.subscription = observable.subscribe({
    next: (value) => {
      recorder.values.push(value);
      for (const waiter of [...waiters]) waiter();
    },
    error: (error: unknown) => {
      recorder.errors.push(error);
    },
    complete: () => {
      recorder.completed = true;
    },
  });
  return recorder;
}
