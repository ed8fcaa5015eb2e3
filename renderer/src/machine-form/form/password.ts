/** As the backend's generatePassword (app/core/machine/defaults.ts): 20 characters from 57, no look-alikes. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const LENGTH = 20;

/**
 * A strong random password (~116 bits, from the browser's CSPRNG) with an upper case letter, a lower
 * case letter and a digit, so that Windows' complexity rule, where a policy turns it on, accepts it.
 */
export function generatePassword(): string {
  const limit = 256 - (256 % ALPHABET.length);
  for (;;) {
    const chars: string[] = [];
    while (chars.length < LENGTH) {
      for (const byte of crypto.getRandomValues(new Uint8Array(LENGTH * 2))) {
        if (byte < limit && chars.length < LENGTH) chars.push(ALPHABET[byte % ALPHABET.length]!);
      }
    }
    const password = chars.join('');
    if (/[A-Z]/.test(password) && /[a-z]/.test(password) && /[0-9]/.test(password)) return password;
  }
}
