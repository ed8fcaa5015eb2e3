import { describeHidden, hiddenCharacters, showHidden } from '../../api';
import { jsonText } from '../output-json';
import type { Verb } from './verb';

export const verb: Verb = {
  usage: "  password ID                 The machine's Windows password (create prints a generated one once)\n",
  async run({ call, out, err, json, terminal, needId }) {
    const result = await call('machinePassword', { id: needId() });
    // jsonText escapes C1 and bidi controls: the JSON reads back as the same password, nothing acts on a terminal.
    if (json) {
      out(jsonText(result));
      return 0;
    }
    const hidden = hiddenCharacters(result.password);
    // Exactly as stored for a pipe or a file (a script types it). A password stored before the rule refused
    // invisible marks would, raw on a terminal, act on it (U+009B) or hide (U+202E): each is shown as \u{...}.
    if (!terminal || hidden.length === 0) {
      out(result.password + '\n');
      return 0;
    }
    out(showHidden(result.password) + '\n');
    err(
      `Note: the password holds characters a terminal cannot show, written above as \\u{...}: ${hidden.map(describeHidden).join('; ')}.\n`,
    );
    return 0;
  },
};
