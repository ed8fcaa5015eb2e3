import { readFile } from 'node:fs/promises';

export interface XkbLayout {
  layout: string;
  variant?: string;
}

/** XKBLAYOUT and XKBVARIANT from the text of /etc/default/keyboard (Debian, Ubuntu and kin). */
export function parseKeyboardDefaults(text: string): XkbLayout | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(XKBLAYOUT|XKBVARIANT)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(line);
    if (match) values.set(match[1]!, match[2] ?? match[3] ?? match[4] ?? '');
  }
  const layout = values.get('XKBLAYOUT');
  if (!layout) return undefined;
  const variant = values.get('XKBVARIANT');
  return variant ? { layout, variant } : { layout };
}

/**
 * The host's console keyboard layout, for the machine's KEYBOARD default. Undefined when the file
 * is missing (other distributions keep it in /etc/vconsole.conf or only in the desktop session).
 */
export async function readHostKeyboard(file = '/etc/default/keyboard'): Promise<XkbLayout | undefined> {
  try {
    return parseKeyboardDefaults(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}
