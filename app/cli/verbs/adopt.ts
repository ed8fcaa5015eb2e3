import { UsageError } from '../options';
import { terminalSafe as safe } from '../terminal-safe';
import type { Verb } from './verb';

export const verb: Verb = {
  usage: '  adopt CONTAINER             Turn such a container into a machine (its disk stays where it is)\n',
  async run({ id, call, print }) {
    if (!id) throw new UsageError('"porthole adopt" needs a container name or id. "porthole adoptable" lists them.');
    const adopted = await call('adoptContainer', { containerId: id });
    print(
      adopted,
      () =>
        [
          `Adopted ${safe(id)} as ${safe(adopted.machine.name)} (${adopted.machine.id}).`,
          ...adopted.warnings.map((w) => `Warning: ${safe(w)}`),
        ].join('\n') + '\n',
    );
    return 0;
  },
};
