import { formatSnapshots } from './snapshot';
import type { Verb } from './verb';

export const verb: Verb = {
  usage: "  snapshots ID                The machine's snapshots, newest first\n",
  async run({ call, print, needId }) {
    const list = await call('listSnapshots', { id: needId() });
    print(list, () => formatSnapshots(list));
    return 0;
  },
};
