/**
 * What the dockur/windows image can install and the languages it downloads, as facts for the UI
 * (pickers, hints) and the core (defaults, validation, import). Shared with the renderer: no Node.
 *
 * Minimum memory and disk are the image's own refusal thresholds (its getRequiredMemory and
 * getRequiredDisk), rounded up to whole GiB, except that every Server from 2012 on asks for 2 GiB as
 * the contract says. Download sizes are the approximate ISO sizes the image's README gives.
 */

export type VersionFamily = 'windows-11' | 'windows-10' | 'server' | 'legacy' | 'community';

export const versionFamilies: ReadonlyArray<{ id: VersionFamily; label: string }> = [
  { id: 'windows-11', label: 'Windows 11' },
  { id: 'windows-10', label: 'Windows 10' },
  { id: 'server', label: 'Windows Server' },
  { id: 'legacy', label: 'Older Windows' },
  { id: 'community', label: 'Community builds' },
];

export interface WindowsVersion {
  /** The VERSION value Porthole stores and passes to the image. */
  id: string;
  /** What a person calls it: "Windows 11 Pro". */
  name: string;
  /** The edition alone: "Pro", "Enterprise LTSC", "Standard". */
  edition: string;
  /** Microsoft's evaluation copy: works for a limited time without a licence. */
  evaluation: boolean;
  /** One sentence worth knowing before choosing it. */
  note?: string;
  family: VersionFamily;
  /** Approximate size of the download, in bytes. */
  downloadBytes: number;
  minRamGiB: number;
  minDiskGiB: number;
  /** Other spellings the image accepts for the same download (lowercase). */
  aliases: readonly string[];
  /** Offered in the version picker. Unlisted ones are still valid (imports, the CLI). */
  listed: boolean;
  /** Setup runs by itself and `C:\OEM\install.bat` runs at first logon; false: the person installs on screen. */
  unattended: boolean;
}

// The image's download sizes, in the one unit system Porthole shows (docs/units.md: 1 GB = 1024³ bytes).
const GB = 1024 ** 3;
const NOTE_PRO = 'Unactivated until you enter a product key of your own.';
const NOTE_EVAL_CLIENT = 'Evaluation copy: usable for 90 days.';
const NOTE_EVAL_SERVER = 'Evaluation copy: usable for 180 days.';
const NOTE_LTSC = 'Long-term servicing: no Store and few built-in apps. Evaluation copy: usable for 90 days.';
const NOTE_UNSUPPORTED = 'No longer supported by Microsoft: no security updates.';

interface Entry {
  id: string;
  name: string;
  edition: string;
  family: VersionFamily;
  gb: number;
  ram: number;
  disk: number;
  aliases: string[];
  evaluation?: boolean;
  note?: string;
  listed?: boolean;
  unattended?: boolean;
}

function entry(e: Entry): WindowsVersion {
  const version: WindowsVersion = {
    id: e.id,
    name: e.name,
    edition: e.edition,
    evaluation: e.evaluation ?? false,
    family: e.family,
    downloadBytes: Math.round(e.gb * GB),
    minRamGiB: e.ram,
    minDiskGiB: e.disk,
    aliases: e.aliases,
    listed: e.listed ?? true,
    unattended: e.unattended ?? true,
  };
  if (e.note !== undefined) version.note = e.note;
  return version;
}

/** Every VERSION the image knows, listed ones first in picker order. */
export const windowsVersions: readonly WindowsVersion[] = [
  entry({
    id: '11',
    name: 'Windows 11 Pro',
    edition: 'Pro',
    family: 'windows-11',
    gb: 7.9,
    ram: 2,
    disk: 32,
    note: NOTE_PRO,
    aliases: ['11p', 'win11', 'pro11', 'win11p', 'windows11', 'windows 11'],
  }),
  entry({
    id: '11l',
    name: 'Windows 11 LTSC',
    edition: 'Enterprise LTSC',
    family: 'windows-11',
    gb: 4.7,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_LTSC,
    aliases: ['11ltsc', 'ltsc11', 'win11l', 'win11-ltsc', 'win11x64-ltsc'],
  }),
  entry({
    id: '11e',
    name: 'Windows 11 Enterprise',
    edition: 'Enterprise',
    family: 'windows-11',
    gb: 6.6,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_EVAL_CLIENT,
    aliases: ['win11e', 'windows11e', 'windows 11e'],
  }),
  entry({
    id: '10',
    name: 'Windows 10 Pro',
    edition: 'Pro',
    family: 'windows-10',
    gb: 5.7,
    ram: 2,
    disk: 16,
    note: NOTE_PRO,
    aliases: ['10p', 'win10', 'pro10', 'win10p', 'windows10', 'windows 10'],
  }),
  entry({
    id: '10l',
    name: 'Windows 10 LTSC',
    edition: 'Enterprise LTSC',
    family: 'windows-10',
    gb: 4.6,
    ram: 2,
    disk: 16,
    evaluation: true,
    note: NOTE_LTSC,
    aliases: ['10ltsc', 'ltsc10', 'win10l', 'win10-ltsc', 'win10x64-ltsc'],
  }),
  entry({
    id: '10e',
    name: 'Windows 10 Enterprise',
    edition: 'Enterprise',
    family: 'windows-10',
    gb: 5.2,
    ram: 2,
    disk: 16,
    evaluation: true,
    note: NOTE_EVAL_CLIENT,
    aliases: ['win10e', 'windows10e', 'windows 10e'],
  }),
  entry({
    id: '2025',
    name: 'Windows Server 2025',
    edition: 'Standard',
    family: 'server',
    gb: 7.6,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_EVAL_SERVER,
    aliases: ['25', 'win25', 'win2025', 'windows2025', 'windows 2025'],
  }),
  entry({
    id: '2022',
    name: 'Windows Server 2022',
    edition: 'Standard',
    family: 'server',
    gb: 6.0,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_EVAL_SERVER,
    aliases: ['22', 'win22', 'win2022', 'windows2022', 'windows 2022'],
  }),
  entry({
    id: '2019',
    name: 'Windows Server 2019',
    edition: 'Standard',
    family: 'server',
    gb: 5.3,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_EVAL_SERVER,
    aliases: ['19', 'win19', 'win2019', 'windows2019', 'windows 2019'],
  }),
  entry({
    id: '2016',
    name: 'Windows Server 2016',
    edition: 'Standard',
    family: 'server',
    gb: 6.5,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_EVAL_SERVER,
    aliases: ['16', 'win16', 'win2016', 'windows2016', 'windows 2016'],
  }),
  entry({
    id: '2012',
    name: 'Windows Server 2012 R2',
    edition: 'Standard',
    family: 'server',
    gb: 4.3,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_EVAL_SERVER,
    aliases: ['2012r2', 'win2012', 'win2012r2', 'windows2012', 'windows 2012'],
  }),
  entry({
    id: '2008',
    name: 'Windows Server 2008 R2',
    edition: 'Standard',
    family: 'server',
    gb: 3.0,
    ram: 1,
    disk: 10,
    note: NOTE_UNSUPPORTED,
    aliases: ['2008r2', '2k8', 'win2008', 'win2008r2', 'windows2008', 'windows 2008'],
  }),
  entry({
    id: '2003',
    name: 'Windows Server 2003 R2',
    edition: 'Standard',
    family: 'server',
    gb: 0.6,
    ram: 1,
    disk: 4,
    note: NOTE_UNSUPPORTED,
    aliases: ['2003r2', '2k3', 'win2003', 'win2003r2', 'windows2003', 'windows 2003'],
  }),
  entry({
    id: '8e',
    name: 'Windows 8.1 Enterprise',
    edition: 'Enterprise',
    family: 'legacy',
    gb: 3.7,
    ram: 2,
    disk: 16,
    evaluation: true,
    note: `${NOTE_UNSUPPORTED} ${NOTE_EVAL_CLIENT}`,
    aliases: ['81e', '8.1e', 'win8e', 'win81e', 'windows 8e'],
  }),
  entry({
    id: '7u',
    name: 'Windows 7 Ultimate',
    edition: 'Ultimate',
    family: 'legacy',
    gb: 3.1,
    ram: 2,
    disk: 16,
    note: NOTE_UNSUPPORTED,
    aliases: ['win7u', 'windows7u', 'windows 7u'],
  }),
  entry({
    id: 'vu',
    name: 'Windows Vista Ultimate',
    edition: 'Ultimate',
    family: 'legacy',
    gb: 3.0,
    ram: 1,
    disk: 16,
    note: NOTE_UNSUPPORTED,
    aliases: ['vistu', '6u', 'winvistu'],
  }),
  entry({
    id: 'xp',
    name: 'Windows XP Professional',
    edition: 'Professional',
    family: 'legacy',
    gb: 0.6,
    ram: 1,
    disk: 2,
    note: NOTE_UNSUPPORTED,
    aliases: ['xp32', 'xpx86', '5', '5x86', 'winxp', 'winxp86', 'windowsxp', 'windows xp'],
  }),
  entry({
    id: '2k',
    name: 'Windows 2000 Professional',
    edition: 'Professional',
    family: 'legacy',
    gb: 0.4,
    ram: 1,
    disk: 1,
    note: NOTE_UNSUPPORTED,
    aliases: ['2000', 'win2k', 'win2000', 'windows2k', 'windows2000'],
  }),
  entry({
    id: 'me',
    name: 'Windows ME',
    edition: 'Millennium',
    family: 'legacy',
    gb: 0.5,
    ram: 1,
    disk: 1,
    note: NOTE_UNSUPPORTED,
    aliases: ['winme', 'win9x', 'windowsme', 'windows me'],
  }),
  entry({
    id: '98',
    name: 'Windows 98',
    edition: 'Second Edition',
    family: 'legacy',
    gb: 0.7,
    ram: 1,
    disk: 1,
    note: NOTE_UNSUPPORTED,
    aliases: ['98se', 'win98', 'win98se', 'windows98', 'windows98se', 'windows 98', 'windows 98 se'],
  }),
  entry({
    id: '95',
    name: 'Windows 95',
    edition: 'OSR2',
    family: 'legacy',
    gb: 0.6,
    ram: 1,
    disk: 1,
    note: NOTE_UNSUPPORTED,
    aliases: ['95c', 'win95', 'win95c', 'windows95', 'windows 95'],
  }),
  entry({
    id: 'tiny11',
    name: 'Tiny11',
    edition: 'Trimmed Windows 11',
    family: 'community',
    gb: 5.3,
    ram: 2,
    disk: 8,
    note: 'An unofficial, trimmed-down Windows 11 built by a third party.',
    aliases: ['tiny 11'],
  }),
  entry({
    id: 'core11',
    name: 'Tiny11 Core',
    edition: 'Minimal Windows 11',
    family: 'community',
    gb: 3.0,
    ram: 2,
    disk: 4,
    note: 'An unofficial, minimal Windows 11 built by a third party: it cannot be updated or extended later.',
    aliases: ['core 11'],
  }),
  entry({
    id: 'tiny10',
    name: 'Tiny10',
    edition: 'Trimmed Windows 10 LTSC',
    family: 'community',
    gb: 3.6,
    ram: 2,
    disk: 10,
    note: 'An unofficial, trimmed-down Windows 10 built by a third party.',
    aliases: ['tiny 10'],
  }),
  entry({
    id: 'reactos',
    name: 'ReactOS',
    edition: 'Open source',
    family: 'community',
    gb: 0.1,
    ram: 1,
    disk: 1,
    note: 'An open-source system compatible with Windows programs, not Windows. You install it by hand on screen.',
    aliases: ['react os'],
    unattended: false,
  }),

  // Accepted by the image, not offered in the picker: sizes are estimates from their siblings.
  entry({
    id: '11i',
    name: 'Windows 11 IoT Enterprise LTSC',
    edition: 'IoT Enterprise LTSC',
    family: 'windows-11',
    gb: 4.7,
    ram: 2,
    disk: 32,
    evaluation: true,
    note: NOTE_LTSC,
    listed: false,
    aliases: ['11iot', 'iot11', 'win11i', 'win11-iot', 'win11x64-iot'],
  }),
  entry({
    id: '10i',
    name: 'Windows 10 IoT Enterprise LTSC',
    edition: 'IoT Enterprise LTSC',
    family: 'windows-10',
    gb: 4.6,
    ram: 2,
    disk: 16,
    evaluation: true,
    note: NOTE_LTSC,
    listed: false,
    aliases: ['10iot', 'iot10', 'win10i', 'win10-iot', 'win10x64-iot'],
  }),
  entry({
    id: 'hv',
    name: 'Hyper-V Server 2019',
    edition: 'Hyper-V',
    family: 'server',
    gb: 2.9,
    ram: 2,
    disk: 32,
    listed: false,
    aliases: ['hyperv', 'hyper v', 'hyper-v', '19hv', '2019hv', 'win2019hv'],
  }),
  entry({
    id: '8',
    name: 'Windows 8.1 Pro',
    edition: 'Pro',
    family: 'legacy',
    gb: 4.0,
    ram: 2,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['8p', '81', '81p', 'pro8', '8.1', 'win8', 'win8p', 'win81', 'win81p', 'windows 8'],
  }),
  entry({
    id: '7',
    name: 'Windows 7 Professional',
    edition: 'Professional',
    family: 'legacy',
    gb: 3.1,
    ram: 2,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['win7', 'windows7', 'windows 7'],
  }),
  entry({
    id: '7e',
    name: 'Windows 7 Enterprise',
    edition: 'Enterprise',
    family: 'legacy',
    gb: 3.1,
    ram: 2,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['win7e', 'windows7e', 'windows 7e'],
  }),
  entry({
    id: '7x86',
    name: 'Windows 7 Professional (32-bit)',
    edition: 'Professional',
    family: 'legacy',
    gb: 2.4,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['win7x86', 'win732', 'windows7x86'],
  }),
  entry({
    id: '7ux86',
    name: 'Windows 7 Ultimate (32-bit)',
    edition: 'Ultimate',
    family: 'legacy',
    gb: 2.4,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['7u32', 'win7x86-ultimate'],
  }),
  entry({
    id: '7ex86',
    name: 'Windows 7 Enterprise (32-bit)',
    edition: 'Enterprise',
    family: 'legacy',
    gb: 2.4,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['7e32', 'win7x86-enterprise'],
  }),
  entry({
    id: 'vista',
    name: 'Windows Vista Business',
    edition: 'Business',
    family: 'legacy',
    gb: 3.0,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['vs', '6', 'winvista', 'windowsvista', 'windows vista'],
  }),
  entry({
    id: 've',
    name: 'Windows Vista Enterprise',
    edition: 'Enterprise',
    family: 'legacy',
    gb: 3.0,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['viste', '6e', 'winviste'],
  }),
  entry({
    id: 'vistax86',
    name: 'Windows Vista Business (32-bit)',
    edition: 'Business',
    family: 'legacy',
    gb: 2.5,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['vista32', '6x86', 'winvistax86', 'windowsvistax86'],
  }),
  entry({
    id: 'vux86',
    name: 'Windows Vista Ultimate (32-bit)',
    edition: 'Ultimate',
    family: 'legacy',
    gb: 2.5,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['vu32', 'winvistax86-ultimate'],
  }),
  entry({
    id: 'vex86',
    name: 'Windows Vista Enterprise (32-bit)',
    edition: 'Enterprise',
    family: 'legacy',
    gb: 2.5,
    ram: 1,
    disk: 16,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['ve32', 'winvistax86-enterprise'],
  }),
  entry({
    id: 'xp64',
    name: 'Windows XP Professional x64',
    edition: 'Professional',
    family: 'legacy',
    gb: 0.6,
    ram: 1,
    disk: 2,
    listed: false,
    note: NOTE_UNSUPPORTED,
    aliases: ['xpx64', '5x64', 'winxp64', 'winxpx64', 'windowsxp64', 'windowsxpx64'],
  }),
];

export const DEFAULT_VERSION = '11';

/** True for an http(s) address: the image downloads that ISO/ESD/archive instead of a known version. */
export function isVersionUrl(value: string): boolean {
  return /^https?:\/\/[^\s/]+\S*$/i.test(value.trim());
}

/** The catalogue entry for a VERSION value in any spelling the image accepts, or undefined. */
export function findVersion(value: string): WindowsVersion | undefined {
  const wanted = value.trim().toLowerCase();
  if (!wanted) return undefined;
  return windowsVersions.find((v) => v.id === wanted || v.aliases.includes(wanted));
}

/** A person's name for a VERSION value (the value itself when unknown). */
export function versionName(value: string): string {
  if (isVersionUrl(value)) return `Windows from ${value.trim()}`;
  return findVersion(value)?.name ?? value;
}

export interface Requirements {
  minRamGiB: number;
  minDiskGiB: number;
}

/**
 * What a machine needs at least. With a custom ISO the image detects the version itself and
 * applies its own minimums (any bootable ISO works, so Porthole asks for nothing more); a download
 * address or an unknown value is assumed to be a modern Windows.
 */
export function versionRequirements(version: string, customIso?: string | null): Requirements {
  if (customIso) return { minRamGiB: 1, minDiskGiB: 1 };
  const known = findVersion(version);
  if (known) return { minRamGiB: known.minRamGiB, minDiskGiB: known.minDiskGiB };
  return { minRamGiB: 2, minDiskGiB: 32 };
}

// ---- languages ----------------------------------------------------------------------------------

export interface WindowsLanguage {
  /** The LANGUAGE value Porthole passes: the image resolves it without ambiguity (plain "pt" would mean Brazil there). */
  culture: string;
  /** English name, as a person picks it. */
  name: string;
  /** ISO 639-1 language code. */
  code: string;
  /** Other values the image accepts for this download (lowercase). */
  aliases: readonly string[];
  /** Language subtags whose other cultures (`de-AT`) fall back to this download. */
  prefixes: readonly string[];
}

function lang(
  culture: string,
  name: string,
  code: string,
  aliases: string[],
  prefixes: string[] = [],
): WindowsLanguage {
  return { culture, name, code, aliases, prefixes };
}

/** The languages Microsoft publishes Windows in, as the image names them. English first. */
export const windowsLanguages: readonly WindowsLanguage[] = [
  lang('en-US', 'English', 'en', ['en', 'english'], ['en']),
  lang('en-GB', 'English (International)', 'en', ['gb', 'british', 'english international']),
  lang('ar-SA', 'Arabic', 'ar', ['ar', 'arabic', 'arab'], ['ar']),
  lang('bg-BG', 'Bulgarian', 'bg', ['bg', 'bulgarian', 'bu'], ['bg']),
  lang('zh-CN', 'Chinese (Simplified)', 'zh', ['zh', 'cn', 'chinese'], ['zh', 'cn']),
  lang('zh-TW', 'Chinese (Traditional)', 'zh', ['tw', 'cn-tw']),
  lang('zh-HK', 'Chinese (Hong Kong)', 'zh', ['hk', 'cn-hk']),
  lang('hr-HR', 'Croatian', 'hr', ['hr', 'cr', 'croatian', 'hrvatski'], ['hr', 'cr']),
  lang('cs-CZ', 'Czech', 'cs', ['cs', 'cz', 'czech', 'cesky'], ['cs', 'cz']),
  lang('da-DK', 'Danish', 'da', ['da', 'dk', 'danish', 'danske'], ['da', 'dk']),
  lang('nl-NL', 'Dutch', 'nl', ['nl', 'dutch', 'nederlands'], ['nl']),
  lang('et-EE', 'Estonian', 'et', ['et', 'estonian', 'eesti'], ['et']),
  lang('fi-FI', 'Finnish', 'fi', ['fi', 'finnish', 'suomi'], ['fi']),
  lang('fr-FR', 'French', 'fr', ['fr', 'french', 'français', 'francais'], ['fr']),
  lang('fr-CA', 'French (Canada)', 'fr', ['ca', 'french canadian']),
  lang('de-DE', 'German', 'de', ['de', 'german', 'deutsch'], ['de']),
  lang('el-GR', 'Greek', 'el', ['el', 'gr', 'greek'], ['el', 'gr']),
  lang('he-IL', 'Hebrew', 'he', ['he', 'il', 'hebrew'], ['he', 'il']),
  lang('hu-HU', 'Hungarian', 'hu', ['hu', 'hungarian', 'magyar'], ['hu']),
  lang('it-IT', 'Italian', 'it', ['it', 'italian', 'italiano'], ['it']),
  lang('ja-JP', 'Japanese', 'ja', ['ja', 'jp', 'japanese'], ['ja', 'jp']),
  lang('ko-KR', 'Korean', 'ko', ['ko', 'kr', 'korean'], ['ko', 'kr']),
  lang('lv-LV', 'Latvian', 'lv', ['lv', 'latvian', 'latvijas'], ['lv']),
  lang('lt-LT', 'Lithuanian', 'lt', ['lt', 'lithuanian', 'lietuvos'], ['lt']),
  lang('nb-NO', 'Norwegian', 'nb', ['nb', 'nn', 'no', 'norwegian', 'norsk'], ['nb', 'nn', 'no']),
  lang('pl-PL', 'Polish', 'pl', ['pl', 'polish', 'polski'], ['pl']),
  lang('pt-BR', 'Portuguese (Brazil)', 'pt', [
    'br',
    'pt',
    'portuguese',
    'português',
    'portugues',
    'brazilian portuguese',
  ]),
  lang('pt-PT', 'Portuguese (Portugal)', 'pt', [], ['pt']),
  lang('ro-RO', 'Romanian', 'ro', ['ro', 'romanian', 'română', 'romana'], ['ro']),
  lang('ru-RU', 'Russian', 'ru', ['ru', 'russian', 'ruski'], ['ru']),
  lang('sr-Latn-RS', 'Serbian (Latin)', 'sr', ['sr', 'serbian', 'serbian latin'], ['sr']),
  lang('sk-SK', 'Slovak', 'sk', ['sk', 'slovak', 'slovenský', 'slovensky'], ['sk']),
  lang('sl-SI', 'Slovenian', 'sl', ['sl', 'si', 'slovenian', 'slovenski'], ['sl', 'si']),
  lang('es-ES', 'Spanish', 'es', ['es', 'spanish', 'espanol', 'español'], ['es']),
  lang('es-MX', 'Spanish (Mexico)', 'es', ['mx']),
  lang('sv-SE', 'Swedish', 'sv', ['sv', 'se', 'swedish', 'svenska'], ['sv', 'se']),
  lang('th-TH', 'Thai', 'th', ['th', 'thai'], ['th']),
  lang('tr-TR', 'Turkish', 'tr', ['tr', 'turkish', 'türk', 'turk'], ['tr']),
  lang('uk-UA', 'Ukrainian', 'uk', ['uk', 'ua', 'ukrainian'], ['uk', 'ua']),
];

export const DEFAULT_LANGUAGE = 'en-US';

/**
 * The language entry for a LANGUAGE value as the image would read it: a culture (`de-AT`), a code
 * (`de`), a name (`German`) or one of the image's own spellings; `_` counts as `-`.
 */
export function findLanguage(value: string): WindowsLanguage | undefined {
  const wanted = value.trim().toLowerCase().replace(/_/g, '-');
  if (!wanted) return undefined;
  const exact = windowsLanguages.find(
    (l) => l.culture.toLowerCase() === wanted || l.name.toLowerCase() === wanted || l.aliases.includes(wanted),
  );
  if (exact) return exact;
  const dash = wanted.indexOf('-');
  if (dash <= 0) return undefined;
  const primary = wanted.slice(0, dash);
  return windowsLanguages.find((l) => l.prefixes.includes(primary));
}

/** A person's name for a LANGUAGE value (the value itself when unknown). */
export function languageName(value: string): string {
  return findLanguage(value)?.name ?? value;
}

/** A Windows culture name such as `de-CH` or `sr-Latn-RS`, as REGION and KEYBOARD take them. */
export function isCultureName(value: string): boolean {
  return /^[a-z]{2,3}(-[A-Z][a-z]{3})?-[A-Z]{2}$/.test(value);
}

export interface LocaleChoice {
  /** A LANGUAGE value (a culture from windowsLanguages). */
  language: string;
  /** A REGION culture, only when it differs from the language's own. */
  region?: string;
}

const US_ENGLISH_TERRITORIES = new Set(['US', 'CA', 'PH', 'PR', 'UM', 'VI', 'AS', 'GU', 'MP']);
const LATIN_AMERICA = new Set([
  'MX',
  'AR',
  'BO',
  'CL',
  'CO',
  'CR',
  'CU',
  'DO',
  'EC',
  'GT',
  'HN',
  'NI',
  'PA',
  'PE',
  'PR',
  'PY',
  'SV',
  'US',
  'UY',
  'VE',
]);

function byCulture(culture: string): WindowsLanguage {
  const found = windowsLanguages.find((l) => l.culture === culture);
  if (!found) throw new Error(`no language ${culture} in the catalogue`);
  return found;
}

function languageForLocale(language: string, territory: string | undefined): WindowsLanguage | undefined {
  switch (language) {
    case 'en':
      return byCulture(territory && !US_ENGLISH_TERRITORIES.has(territory) ? 'en-GB' : 'en-US');
    case 'pt':
      return byCulture(territory === 'BR' ? 'pt-BR' : 'pt-PT');
    case 'es':
      return byCulture(territory && LATIN_AMERICA.has(territory) ? 'es-MX' : 'es-ES');
    case 'fr':
      return byCulture(territory === 'CA' ? 'fr-CA' : 'fr-FR');
    case 'zh':
      if (territory === 'TW') return byCulture('zh-TW');
      if (territory === 'HK' || territory === 'MO') return byCulture('zh-HK');
      return byCulture('zh-CN');
    case 'nn':
    case 'no':
      return byCulture('nb-NO');
    default:
      return windowsLanguages.find((l) => l.code === language);
  }
}

/**
 * The Windows language and region for a POSIX locale such as `de_CH.UTF-8` (from LANG, LC_ALL...):
 * `{ language: 'de-DE', region: 'de-CH' }`. Languages Windows is not published in fall back to
 * English, without a region. `C` and `POSIX` give English.
 */
export function languageFromLocale(locale: string | undefined): LocaleChoice {
  const english: LocaleChoice = { language: DEFAULT_LANGUAGE };
  if (!locale) return english;
  const match = /^([a-zA-Z]{2,3})(?:_([a-zA-Z]{2}))?(?:\.[^@]*)?(?:@(\w+))?$/.exec(locale.trim());
  if (!match) return english;
  const language = match[1]!.toLowerCase();
  const territory = match[2]?.toUpperCase();
  const modifier = match[3]?.toLowerCase();
  const chosen = languageForLocale(language, territory);
  if (!chosen) return english;
  let region: string | undefined;
  if (language === 'sr') region = territory === 'RS' || territory === undefined ? undefined : `sr-Latn-${territory}`;
  else if (territory) region = `${language}-${territory}`;
  if (modifier === 'cyrillic') region = undefined;
  if (region === chosen.culture || (region !== undefined && !isCultureName(region))) region = undefined;
  return region ? { language: chosen.culture, region } : { language: chosen.culture };
}

/** XKB layout (and variant) -> the Windows culture whose default keyboard matches it. */
const XKB_KEYBOARDS: Readonly<Record<string, string>> = {
  us: 'en-US',
  gb: 'en-GB',
  ie: 'en-IE',
  au: 'en-AU',
  de: 'de-DE',
  at: 'de-AT',
  ch: 'de-CH',
  'ch(fr)': 'fr-CH',
  'ch(fr_nodeadkeys)': 'fr-CH',
  'ch(fr_mac)': 'fr-CH',
  fr: 'fr-FR',
  be: 'fr-BE',
  ca: 'fr-CA',
  'ca(eng)': 'en-CA',
  'ca(multix)': 'fr-CA',
  es: 'es-ES',
  latam: 'es-MX',
  it: 'it-IT',
  pt: 'pt-PT',
  br: 'pt-BR',
  nl: 'nl-NL',
  se: 'sv-SE',
  no: 'nb-NO',
  dk: 'da-DK',
  fi: 'fi-FI',
  ee: 'et-EE',
  lv: 'lv-LV',
  lt: 'lt-LT',
  pl: 'pl-PL',
  cz: 'cs-CZ',
  sk: 'sk-SK',
  hu: 'hu-HU',
  ro: 'ro-RO',
  si: 'sl-SI',
  hr: 'hr-HR',
  rs: 'sr-Latn-RS',
  'rs(latin)': 'sr-Latn-RS',
  bg: 'bg-BG',
  ru: 'ru-RU',
  ua: 'uk-UA',
  gr: 'el-GR',
  tr: 'tr-TR',
  il: 'he-IL',
  ara: 'ar-SA',
  jp: 'ja-JP',
  kr: 'ko-KR',
  cn: 'zh-CN',
  tw: 'zh-TW',
  th: 'th-TH',
};

/**
 * The KEYBOARD culture for the host's XKB layout: `ch` -> `de-CH`, `ch` + variant `fr` -> `fr-CH`.
 * Accepts `layout(variant)` too; with a list (`us,de`) the first layout counts. Undefined when unknown.
 */
export function keyboardFromXkb(layout: string | undefined, variant?: string): string | undefined {
  if (!layout) return undefined;
  let base = layout.split(',')[0]!.trim().toLowerCase();
  let chosenVariant = variant?.split(',')[0]?.trim().toLowerCase() ?? '';
  const inline = /^([a-z]+)\(([\w-]*)\)$/.exec(base);
  if (inline) {
    base = inline[1]!;
    chosenVariant = inline[2]!;
  }
  if (chosenVariant) {
    const specific = XKB_KEYBOARDS[`${base}(${chosenVariant})`];
    if (specific) return specific;
  }
  return XKB_KEYBOARDS[base];
}
