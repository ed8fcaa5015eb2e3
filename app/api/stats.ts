import { z } from 'zod';

/**
 * One second of a running machine's resource use, as the engine's stats stream reports it.
 * Disk and network are running totals since the container started, not rates: the engine reports
 * totals, and a viewer turns two consecutive samples into a rate (renderer/src/stats/series.ts), so a
 * sample that is lost or late never makes a rate wrong, only coarser.
 */
export const statsSampleSchema = z.object({
  /** When the engine read the numbers, in milliseconds since the epoch. */
  t: z.number(),
  /** CPU used since the previous reading, as `docker stats` counts it: 100 is one core fully busy, up to 100 × the host's CPUs. */
  cpuPercent: z.number().nonnegative(),
  /** Memory in use, without the page cache the kernel can drop (as `docker stats` counts it). */
  memBytes: z.number().nonnegative(),
  /** The container's memory limit (the host's memory when it has none). */
  memLimitBytes: z.number().nonnegative(),
  diskReadBytes: z.number().nonnegative(),
  diskWriteBytes: z.number().nonnegative(),
  /** Summed over the container's networks. */
  netRxBytes: z.number().nonnegative(),
  netTxBytes: z.number().nonnegative(),
});
export type StatsSample = z.infer<typeof statsSampleSchema>;

/** How many samples a viewer keeps and the backend replays to a new viewer: the last 10 minutes at one a second. */
export const STATS_WINDOW_SAMPLES = 600;
