// The machine a benchmark ran on: figures from another machine are not comparable.
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly nodeVersion: string;
  readonly date: string;
  /** 1, 5 and 15 minute load averages: other work on the machine makes every figure noisier. */
  readonly loadAverage: readonly number[];
}

export function describeMachine(now: Date = new Date()): Machine {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() || 'unknown',
    cores: processors.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    nodeVersion: process.version,
    date: now.toISOString(),
    loadAverage: loadavg(),
  };
}
