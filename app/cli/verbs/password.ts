import type { Verb } from './verb';

export const verb: Verb = {
  usage: "  password ID                 The machine's Windows password (create prints a generated one once)\n",
  async run({ call, print, needId }) {
    const result = await call('machinePassword', { id: needId() });
    // Exactly as stored: a person types it (the rule for passwords already refuses control characters).
    print(result, () => result.password + '\n', true);
    return 0;
  },
};
