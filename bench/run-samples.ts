// The measurements of repeated runs of one command, summarized once all rounds are done.
import type { ProcessMeasurement } from './measured-process.js';
import { summarize, type Summary } from './statistics.js';

export class RunSamples {
  private readonly wall: number[] = [];
  private readonly rss: number[] = [];
  readonly failures: string[] = [];

  add(measurement: Pick<ProcessMeasurement, 'wallMs' | 'peakRssKiB'>): void {
    this.wall.push(measurement.wallMs);
    if (measurement.peakRssKiB !== undefined) this.rss.push(measurement.peakRssKiB);
  }

  /** A measurement, or the reason a run does not count. */
  record(outcome: string | Pick<ProcessMeasurement, 'wallMs' | 'peakRssKiB'>): void {
    if (typeof outcome === 'string') this.failures.push(outcome);
    else this.add(outcome);
  }

  get count(): number {
    return this.wall.length;
  }

  wallMs(): Summary | undefined {
    return summarize(this.wall);
  }

  peakRssKiB(): Summary | undefined {
    return summarize(this.rss);
  }
}
