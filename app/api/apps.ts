import { z } from 'zod';

/**
 * Windows programs as Linux apps. Inside Windows, Porthole's `porthole-apps.ps1` (placed through the
 * image's OEM hook, see app/core/apps/porthole-apps.ps1.ts) writes the installed programs to Porthole's
 * own share, `\\host.lan\Porthole\apps\` (app/core/apps/channel.ts): `apps.json` (this schema) and
 * `icons\<id>.png`. Porthole only reads that folder: nothing listens in Windows.
 */

/** The folder, relative to the machine's first shared folder, that the script of a machine installed by an older Porthole writes. */
export const APPS_FOLDER = '.porthole/apps';
/** The value of `format` the script writes; another one is a format this Porthole does not know. */
export const APPS_FORMAT = 'porthole-apps/1';

/** A program id: 12 hex digits of the SHA-1 of what it launches, so it stays the same from one list to the next. */
export const appIdSchema = z.string().regex(/^[0-9a-f]{12}$/, 'a program id is 12 hexadecimal digits');

/** Where the script found the program. */
export const appSources = ['start-menu', 'app-paths', 'uwp'] as const;

/** One entry of `apps.json` as the script writes it (Windows PowerShell 5.1's ConvertTo-Json). */
export const appsFileEntrySchema = z.object({
  id: appIdSchema,
  name: z.string().trim().min(1).max(200),
  /** The program RemoteApp starts: an absolute Windows path (`C:\…\notepad.exe`). UWP apps go through explorer.exe. */
  target: z
    .string()
    .max(1024)
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    .regex(/^[A-Za-z]:\\[^\u0000-\u001f"<>|]*$/, 'target is an absolute Windows path'),
  /** Its command line arguments (`shell:AppsFolder\<AUMID>` for a UWP app); PowerShell writes "" or null when none. */
  args: z.string().max(2048).nullish(),
  source: z.enum(appSources),
  /** `<id>.png` in `icons\`, or null when Windows gave no icon. */
  icon: z.string().nullish(),
});
export type AppsFileEntry = z.infer<typeof appsFileEntrySchema>;

/** The head of `apps.json`; entries are checked one by one, so one bad entry loses only itself. */
export const appsFileSchema = z.object({
  format: z.literal(APPS_FORMAT),
  /** When the list was written, as Windows' clock says (ISO 8601). */
  written: z.string().max(64).optional(),
  apps: z.unknown(),
});

/** A program as the UI and the CLI see it. */
export const windowsAppSchema = z.object({
  id: appIdSchema,
  name: z.string(),
  target: z.string(),
  args: z.string(),
  source: z.enum(appSources),
  /** The icon as a `data:image/png;base64,` URL, or null. */
  icon: z.string().nullable(),
  /** A launcher for it is in the Linux app menu. */
  inMenu: z.boolean(),
});
export type WindowsApp = z.infer<typeof windowsAppSchema>;

/**
 * What Porthole found for a machine:
 * - `ok`: the list was read (`apps`, and `warnings` for entries left out);
 * - `not-written`: the folder has no list yet (Windows writes it after the first sign-in);
 * - `unreadable`: the list is there but cannot be read (`warnings` say why).
 */
export const appListSchema = z.object({
  state: z.enum(['ok', 'not-written', 'unreadable']),
  /** The host folder read, when there is one. */
  folder: z.string().nullable(),
  written: z.string().nullable(),
  apps: z.array(windowsAppSchema),
  warnings: z.array(z.string()),
});
export type AppList = z.infer<typeof appListSchema>;
