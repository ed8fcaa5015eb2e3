import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import {
  DEFAULT_IMAGE,
  MACHINE_ID_MAX,
  machineIdSchema,
  machineSlug,
  machineSettingsSchema,
  PortholeError,
  type HostPorts,
  type MachineDraft,
  type MachineSettings,
} from '../../api';
import {
  DEFAULT_LANGUAGE,
  DEFAULT_VERSION,
  findLanguage,
  isCultureName,
  keyboardFromXkb,
  languageFromLocale,
  versionRequirements,
  type LocaleChoice,
} from '../../api/catalogue';
import { validateMachine, validateUsername } from '../../api/validation';

const GIB = 1024 ** 3;

export const DEFAULT_DISK_GIB = 64;
export const DEFAULT_SCREEN = { width: 1280, height: 720 } as const;
/** The image's documented account name, used when the host user's name does not suit Windows. */
export const FALLBACK_USERNAME = 'Docker';
/**
 * The image's own password when none is set. Porthole never picks it for a machine it creates (a
 * well-known password on an RDP port is a door left open): it is only what an adopted container
 * that set none really uses.
 */
export const DEFAULT_PASSWORD = 'admin';

/** No look-alikes (0/O, 1/l/I): the password may be read off the screen and typed in Windows. */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const PASSWORD_LENGTH = 20;

/**
 * A strong random password for a machine created without one: 20 characters from 57 (~116 bits),
 * from the OS's CSPRNG, with at least one upper case letter, one lower case letter and one digit so
 * that Windows' complexity rule, where a policy turns it on, accepts it.
 */
export function generatePassword(): string {
  for (;;) {
    const chars: string[] = [];
    // Rejection sampling: a byte maps to the alphabet only below the largest multiple of its size.
    const limit = 256 - (256 % PASSWORD_ALPHABET.length);
    while (chars.length < PASSWORD_LENGTH) {
      for (const byte of randomBytes(PASSWORD_LENGTH * 2)) {
        if (byte < limit && chars.length < PASSWORD_LENGTH)
          chars.push(PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]!);
      }
    }
    const password = chars.join('');
    if (/[A-Z]/.test(password) && /[a-z]/.test(password) && /[0-9]/.test(password)) return password;
  }
}

export interface DraftContext {
  id: string;
  host: { ramTotalBytes: number; cpuThreads: number };
  dataDir: string;
  ports: HostPorts;
  /** For the user name and the locale (LANG, LC_ALL, ...). */
  env?: NodeJS.ProcessEnv;
  /** The host's XKB layout (`ch`, `de(nodeadkeys)`, `us,de`), when known: becomes KEYBOARD. See keyboard.ts. */
  keyboardLayout?: string;
  keyboardVariant?: string;
}

/** Half the host's memory in whole GiB, at least 2 (the Windows 10/11 minimum), at most 8. */
export function defaultRamGiB(ramTotalBytes: number): number {
  return Math.min(8, Math.max(2, Math.floor(ramTotalBytes / GIB / 2)));
}

/**
 * Half the host's threads, at most 4 so the desktop stays responsive, and 2 where the host has
 * them: Windows on one core is painfully slow and the image's own default is 2.
 */
export function defaultCpuCores(cpuThreads: number): number {
  const threads = Math.max(1, Math.floor(cpuThreads));
  return Math.min(threads, Math.max(2, Math.min(4, Math.floor(threads / 2))));
}

/** The host user's name made into a valid Windows account name, or `Docker`. */
export function defaultUsername(env: NodeJS.ProcessEnv = {}): string {
  const raw = env.USER ?? env.LOGNAME ?? '';
  const cleaned = raw
    // eslint-disable-next-line no-control-regex -- control characters are removed, as Windows refuses them
    .replace(/["/\\[\]:;|=,+*?<>%@\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 20)
    .replace(/[.\s]+$/, '');
  if (!cleaned || cleaned === 'root' || validateUsername(cleaned)) return FALLBACK_USERNAME;
  return cleaned;
}

/**
 * Windows language and region from the host locale. LANGUAGE follows the messages locale
 * (LC_ALL > LC_MESSAGES > LANG); REGION follows the formats locale (LC_ALL > LC_TIME > LANG),
 * which desktops set apart when a person reads English but writes dates the Swiss way.
 */
export function localeFromEnv(env: NodeJS.ProcessEnv = {}): LocaleChoice {
  const pick = (...names: string[]): string | undefined =>
    names.map((n) => env[n]).find((v) => v && v !== 'C' && v !== 'POSIX');
  const messages = languageFromLocale(pick('LC_ALL', 'LC_MESSAGES', 'LANG'));
  const formats = languageFromLocale(pick('LC_ALL', 'LC_TIME', 'LANG'));
  const formatsCulture = formats.region ?? formats.language;
  const region = formatsCulture === messages.language ? undefined : formatsCulture;
  return region ? { language: messages.language, region } : { language: messages.language };
}

export interface HostDefaultsContext {
  host: { ramTotalBytes: number; cpuThreads: number };
  env?: NodeJS.ProcessEnv;
  keyboardLayout?: string;
  keyboardVariant?: string;
}

export interface HostDefaults {
  language: string;
  region?: string;
  keyboard?: string;
  username: string;
  ramGiB: number;
  cpuCores: number;
  diskGiB: number;
}

/**
 * What a new machine gets on this host when the person says nothing (the wizard's starting values):
 * region and keyboard only where they differ from the language's own culture.
 */
export function hostDefaults(ctx: HostDefaultsContext, version = DEFAULT_VERSION): HostDefaults {
  const locale = localeFromEnv(ctx.env);
  const keyboard = keyboardFromXkb(ctx.keyboardLayout, ctx.keyboardVariant);
  const defaults: HostDefaults = {
    language: locale.language,
    username: defaultUsername(ctx.env),
    ramGiB: defaultRamGiB(ctx.host.ramTotalBytes),
    cpuCores: defaultCpuCores(ctx.host.cpuThreads),
    diskGiB: Math.max(DEFAULT_DISK_GIB, versionRequirements(version).minDiskGiB),
  };
  if (locale.region) defaults.region = locale.region;
  if (keyboard && !sameCulture(keyboard, locale.language)) defaults.keyboard = keyboard;
  return defaults;
}

function sameCulture(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * Complete settings for a new machine: what the person chose, and host-derived defaults for the rest.
 * Throws a ZodError for values outside the schema and a PortholeError (INVALID_ARGUMENT) for values
 * the image or this host would refuse.
 */
export function settingsFromDraft(draft: MachineDraft, ctx: DraftContext): MachineSettings {
  const env = ctx.env ?? {};
  const version = draft.version ?? DEFAULT_VERSION;
  const customIso = draft.customIso ?? null;

  let language: string;
  let region = draft.region;
  if (draft.language) {
    const chosen = findLanguage(draft.language);
    language = chosen?.culture ?? draft.language;
    // `de-AT` downloads German, as the image reads it; the Austrian part becomes the region.
    if (chosen && isCultureName(draft.language) && !sameCulture(draft.language, chosen.culture))
      region ??= draft.language;
  } else {
    const host = localeFromEnv(env);
    language = host.language;
    region ??= host.region;
  }
  const languageCulture = findLanguage(language)?.culture ?? DEFAULT_LANGUAGE;
  // The physical keyboard is the host's whatever language Windows speaks.
  const keyboard = draft.keyboard ?? keyboardFromXkb(ctx.keyboardLayout, ctx.keyboardVariant);

  const { minDiskGiB } = versionRequirements(version, customIso);
  const candidate = {
    id: ctx.id,
    name: draft.name,
    // PORTHOLE_DEFAULT_IMAGE: the image a new machine gets when none is chosen (a local mirror, a pinned build).
    image: draft.image ?? (env.PORTHOLE_DEFAULT_IMAGE?.trim() || DEFAULT_IMAGE),
    version,
    language,
    region: sameCulture(region, languageCulture) ? undefined : region,
    keyboard: sameCulture(keyboard, languageCulture) ? undefined : keyboard,
    username: draft.username ?? defaultUsername(env),
    password: draft.password ?? generatePassword(),
    ramGiB: draft.ramGiB ?? defaultRamGiB(ctx.host.ramTotalBytes),
    cpuCores: draft.cpuCores ?? defaultCpuCores(ctx.host.cpuThreads),
    diskGiB: draft.diskGiB ?? Math.max(DEFAULT_DISK_GIB, minDiskGiB),
    diskFormat: draft.diskFormat ?? 'raw',
    sharedFolders: draft.sharedFolders ?? [],
    customIso,
    screen: draft.screen ?? { ...DEFAULT_SCREEN },
    storageDir: draft.storageDir ?? posix.join(ctx.dataDir, 'machines', ctx.id),
    ports: ctx.ports,
    autoStart: draft.autoStart ?? false,
    kvm: draft.kvm ?? true,
    ...(draft.ballooning ? { ballooning: true } : {}),
    // Sound is on for a new machine unless the draft says otherwise (a compose file without AUDIO=Y does).
    audio: draft.audio ?? true,
  };
  if (candidate.region === undefined) delete candidate.region;
  if (candidate.keyboard === undefined) delete candidate.keyboard;

  const settings = machineSettingsSchema.parse(candidate);
  const issues = validateMachine(settings, { host: ctx.host });
  if (issues.length > 0) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      issues.map((issue) => issue.message).join(' '),
      'Change the settings named above and create the machine again.',
    );
  }
  return settings;
}

/** A readable, unique machine id from its name: "Windows 11 (Work)" -> `windows-11-work`, then `-2`, `-3`... */
export function newMachineId(name: string, existingIds: readonly string[]): string {
  const slug = machineSlug(name);
  const taken = new Set(existingIds);
  let id = slug;
  for (let n = 2; taken.has(id); n++) {
    const suffix = `-${n}`;
    id = `${slug.slice(0, MACHINE_ID_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
  }
  return machineIdSchema.parse(id);
}
