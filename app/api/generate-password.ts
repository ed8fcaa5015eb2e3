/** No look-alikes (0/O, 1/l/I): the password may be read off the screen and typed in Windows. */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const PASSWORD_LENGTH = 20;

/**
 * A strong random password for a machine created without one (the backend) or on Generate (the form): 20 characters
 * from 57 (~116 bits), from the platform's CSPRNG (Web Crypto, in Node and the page alike), with at least one upper
 * case letter, one lower case letter and one digit so that Windows' complexity rule, where a policy turns it on,
 * accepts it.
 */
export function generatePassword(): string {
  // Rejection sampling: a byte maps to the alphabet only below the largest multiple of its size.
  const limit = 256 - (256 % PASSWORD_ALPHABET.length);
  for (;;) {
    const chars: string[] = [];
    while (chars.length < PASSWORD_LENGTH) {
      for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(PASSWORD_LENGTH * 2))) {
        if (byte < limit && chars.length < PASSWORD_LENGTH)
          chars.push(PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]!);
      }
    }
    const password = chars.join('');
    if (/[A-Z]/.test(password) && /[a-z]/.test(password) && /[0-9]/.test(password)) return password;
  }
}
