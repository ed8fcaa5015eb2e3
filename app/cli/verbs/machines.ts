import { formatMachines } from '../output-text';
import type { Verb } from './verb';

export const verb: Verb = {
  usage: '  machines                    List machines and their state\n',
  async run({ call, print, json, err }) {
    const list = await call('listMachines', {});
    print(list, () => formatMachines(list));
    // Their states are unknown without the engine: say why (it is down, or did not answer in time), and fail.
    const engine = await call('engineStatus', {});
    if (list.length === 0 || engine.connected) return 0;
    if (!json)
      err(
        `${engine.message ?? `The container engine at ${engine.endpoint} is not connected.`}\nStart the container engine, or restart it if it is stuck; "porthole check" says how.\n`,
      );
    return 1;
  },
};
