// The continuous fallback chain: detection methods in order of preference. The first one is
// used; when it fails or stays silent past `silenceMs`, the next one takes over. The ones before
// the active one keep running (they poll, tail or watch), so the first is retried and takes back
// over as soon as it yields an address again. Every switch is a SourceSwitched event with its
// reason; the ones after the active one are not subscribed at all.
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { EventBody } from '../events.js';

export interface NamedSource {
  readonly name: string;
  readonly events: Observable<EventBody>;
}

function isCandidate(event: EventBody): boolean {
  return event.type === 'CandidateObserved' || event.type === 'ServerDetectionChosen';
}

export function fallbackChain(sources: readonly NamedSource[], options: { silenceMs: number }, scheduler: SchedulerLike = asyncScheduler): Observable<EventBody> {
  return new Observable<EventBody>((subscriber) => {
    const subscriptions: (Subscription | undefined)[] = [];
    let active = 0;
    let answered = false;
    let silence: Subscription | undefined;

    const stopAfter = (index: number) => {
      for (let i = index + 1; i < subscriptions.length; i++) {
        subscriptions[i]?.unsubscribe();
        subscriptions[i] = undefined;
      }
    };
    const armSilence = () => {
      silence?.unsubscribe();
      silence = undefined;
      if (active < sources.length - 1) {
        const watched = active;
        silence = scheduler.schedule(() => {
          if (!answered) moveOn(watched, `no address within ${Math.round(options.silenceMs / 1000)} s`);
        }, options.silenceMs);
      }
    };
    const moveOn = (from: number, reason: string) => {
      if (from !== active || active >= sources.length - 1) return;
      active += 1;
      answered = false;
      subscriber.next({ type: 'SourceSwitched', from: sources[from]?.name, to: sources[active]?.name as string, reason });
      start(active);
      armSilence();
    };
    const onEvent = (index: number, event: EventBody) => {
      if (index > active) return;
      if (isCandidate(event)) {
        if (index < active) {
          subscriber.next({ type: 'SourceSwitched', from: sources[active]?.name, to: sources[index]?.name as string, reason: `${sources[index]?.name} works again` });
          stopAfter(index);
          active = index;
        }
        answered = true;
        silence?.unsubscribe();
        subscriber.next(event);
        return;
      }
      subscriber.next(event);
      if (event.type === 'SourceFailed' && index === active) moveOn(index, event.reason);
    };
    function start(index: number): void {
      const source = sources[index];
      if (!source || subscriptions[index]) return;
      subscriptions[index] = source.events.subscribe({
        next: (event) => onEvent(index, event),
        error: (error: unknown) => onEvent(index, { type: 'SourceFailed', source: source.name, reason: error instanceof Error ? error.message : String(error) }),
      });
    }

    if (sources.length === 0) {
      subscriber.complete();
      return undefined;
    }
    start(0);
    armSilence();
    return () => {
      silence?.unsubscribe();
      subscriptions.forEach((s) => s?.unsubscribe());
    };
  });
}
