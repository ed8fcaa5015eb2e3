import { formatApps } from '../apps-format';
import type { Verb } from './verb';

export const verb: Verb = {
  usage: "  apps ID                     The Windows programs the machine lists (its shared folder's .porthole/apps)\n",
  async run({ call, print, needId }) {
    const list = await call('listApps', { id: needId() });
    print(list, () => formatApps(list));
    return list.state === 'ok' ? 0 : 1;
  },
};
