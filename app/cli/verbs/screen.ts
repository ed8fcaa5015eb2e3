import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    "  screen ID                   The screen's websocket address (its first line), and the sound's when the machine\n" +
    '                              plays sound\n',
  async run({ call, print, needId }) {
    const result = await call('screenEndpoint', { id: needId() });
    // The screen's address stays the first line alone (scripts read it); the sound's follows, named.
    print(
      result,
      () => `${result.url}\n${result.audio ? `Sound: ${result.audio}\n` : ''}${result.note ? `${result.note}\n` : ''}`,
    );
    return 0;
  },
};
