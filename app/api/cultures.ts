import { windowsLanguages } from './catalogue';

/**
 * Windows cultures a person picks a region or keyboard from, by name. REGION and KEYBOARD take the
 * culture code (`de-CH`); the pickers show "German (Switzerland)". The languages Windows is published
 * in, the keyboards Porthole maps the host's XKB layout to, and the common regional variants.
 */
const CULTURES: readonly string[] = [
  ...windowsLanguages.map((l) => l.culture),
  'en-AU',
  'en-CA',
  'en-IE',
  'en-IN',
  'en-NZ',
  'en-SG',
  'en-ZA',
  'en-PH',
  'de-AT',
  'de-CH',
  'de-LU',
  'de-LI',
  'fr-BE',
  'fr-CH',
  'fr-LU',
  'it-CH',
  'nl-BE',
  'es-AR',
  'es-CL',
  'es-CO',
  'es-PE',
  'es-US',
  'es-VE',
  'pt-AO',
  'sv-FI',
  'ar-AE',
  'ar-EG',
  'ar-MA',
  'ca-ES',
  'eu-ES',
  'gl-ES',
  'is-IS',
  'ga-IE',
  'cy-GB',
  'mt-MT',
  'sq-AL',
  'mk-MK',
  'bs-Latn-BA',
  'be-BY',
  'kk-KZ',
  'ka-GE',
  'hy-AM',
  'az-Latn-AZ',
  'fa-IR',
  'hi-IN',
  'bn-IN',
  'ta-IN',
  'ur-PK',
  'id-ID',
  'ms-MY',
  'vi-VN',
  'fil-PH',
  'sw-KE',
  'af-ZA',
  'zh-SG',
  'mn-MN',
];

/** A culture's English name, "German (Switzerland)"; the code itself where the runtime has no name for it. */
export function cultureName(code: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language', languageDisplay: 'standard' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

export interface CultureChoice {
  code: string;
  name: string;
}

/** The pickers' list, by name; `extra` (a value already set, the host's keyboard) is always in it. */
export function cultureChoices(extra: ReadonlyArray<string | undefined> = []): CultureChoice[] {
  const codes = new Set([...CULTURES, ...extra.filter((c): c is string => Boolean(c))]);
  return [...codes]
    .map((code) => ({ code, name: cultureName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}
