import { describe, expect, it } from 'vitest';
import type { MachineView } from '../../api';
import { channelShareResult, type ChannelShare } from './channel';
import { AppsService, type AppsDeps } from './service';

const view = (status: Partial<MachineView['status']>): MachineView =>
  ({
    id: 'win11',
    name: 'Windows 11',
    status: { phase: 'booting', running: true, screenReady: false, ...status },
  }) as unknown as MachineView;

describe('Porthole’s channel share', () => {
  it('is served once per container, once the image has set up Samba (the screen is ready), again in a new container, and tried again while Samba is not set up', async () => {
    let listener: (v: MachineView) => void = () => undefined;
    const served: string[] = [];
    const answers: ChannelShare[] = ['not-ready', 'served', 'served'];
    const deps = {
      watch: (l: (v: MachineView) => void) => ((listener = l), () => undefined),
      serveChannel: async (container: string) => (served.push(container), answers.shift() ?? 'served'),
    } as unknown as AppsDeps;
    const results: ChannelShare[] = [];
    const stop = new AppsService(deps).serveChannels((_id, r) => results.push(r));
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

    listener(view({ containerId: 'c1' }));
    await settle();
    expect(served).toEqual([]);
    listener(view({ containerId: 'c1', screenReady: true }));
    await settle();
    listener(view({ containerId: 'c1', screenReady: true }));
    await settle();
    listener(view({ containerId: 'c1', screenReady: true }));
    await settle();
    expect(served).toEqual(['c1', 'c1']);
    expect(results).toEqual(['not-ready', 'served']);
    listener(view({ containerId: 'c2', screenReady: true }));
    await settle();
    expect(served).toEqual(['c1', 'c1', 'c2']);
    listener(view({ containerId: 'c3', screenReady: true, running: false }));
    await settle();
    expect(served).toHaveLength(3);
    stop();
  });

  it('reads the script’s exit codes', () => {
    expect([0, 10, 11, 12, null].map((exitCode) => channelShareResult({ exitCode, output: '' }))).toEqual([
      'served',
      'no-samba',
      'not-ready',
      'failed',
      'failed',
    ]);
  });
});
