import type uPlot from 'uplot';

/** uPlot in its own chunk, loaded when the first chart shows (a list with no running machine never loads it). */
export async function loadUPlot(): Promise<typeof uPlot> {
  return (await import('uplot')).default;
}
