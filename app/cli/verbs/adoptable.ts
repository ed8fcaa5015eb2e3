import { terminalSafe as safe } from '../terminal-safe';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    '  adoptable                   Containers Porthole can adopt (its own without a record, or hand-made dockur ones)\n',
  async run({ call, print }) {
    const list = await call('adoptableContainers', {});
    print(list, () =>
      list.length === 0
        ? 'Nothing to adopt.\n'
        : list
            .map(
              (c) =>
                `${safe(c.name)}  ${safe(c.image)}  ${c.running ? 'running' : 'stopped'}${c.porthole ? '  (made by Porthole)' : ''}${c.foreign ? '  (another Porthole configuration’s: adopting takes it from there)' : ''}`,
            )
            .join('\n') + '\n',
    );
    return 0;
  },
};
