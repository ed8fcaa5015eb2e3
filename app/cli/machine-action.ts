import type { Verb } from './verbs/verb';

/** A verb that is one backend call on one machine (stop, restart, kill, apply), said done when it answers. */
export function machineActionVerb(
  action: 'stopMachine' | 'restartMachine' | 'forceStopMachine' | 'applyMachine',
  usage: string,
): Verb {
  return {
    usage,
    async run({ command, call, print, needId }) {
      const target = needId();
      const result = await call(action, { id: target });
      print(result, () => `${command}: ${target} done\n`);
      return 0;
    },
  };
}
