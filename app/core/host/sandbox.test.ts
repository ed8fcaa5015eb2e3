import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostReportSchema } from '../../api';
import { makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import { checkHost } from './check';
import { formatHostReport } from './report-text';
import { appArmorCommands, appArmorProfile, appImageSandboxCheck, type AppImageSandboxFindings } from './sandbox';

let fake: FakeRoot;
beforeEach(async () => {
  fake = await makeFakeRoot();
});
afterEach(async () => {
  await fake.cleanup();
});

const APPIMAGE = '/home/alice/Apps/Porthole-0.1.0-x86_64.AppImage';
const withAppImage = (appImage = APPIMAGE) => fake.options({ env: { ...fake.options().env, APPIMAGE: appImage } });
const sandboxOf = async (options = withAppImage()) =>
  (await checkHost(options)).checks.find((c) => c.id === 'appimage-sandbox');

describe('the AppImage sandbox check', () => {
  it('is not there when Porthole does not run as an AppImage (the deb/rpm sandbox helper needs no namespaces)', async () => {
    await fake.write('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1\n');
    expect(await sandboxOf(fake.options())).toBeUndefined();
  });

  it('passes where user namespaces are not restricted, or this AppImage has its profile', async () => {
    expect((await sandboxOf())?.status).toBe('ok');
    await fake.write('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '0\n');
    expect((await sandboxOf())?.status).toBe('ok');
    await fake.write('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1\n');
    await fake.write('/proc/self/attr/apparmor/current', 'porthole-appimage (unconfined)\n');
    const ok = await sandboxOf();
    expect(ok).toMatchObject({ status: 'ok', found: expect.stringContaining('porthole-appimage (unconfined)') });
  });

  it('fails on Ubuntu 24.04 and later without a profile, and gives the profile for this AppImage’s path', async () => {
    await fake.write('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1\n');
    await fake.write('/proc/self/attr/apparmor/current', 'unconfined\n');
    const report = await checkHost(withAppImage());
    expect(hostReportSchema.parse(report)).toEqual(report);
    const check = report.checks.find((c) => c.id === 'appimage-sandbox')!;
    expect(check.status).toBe('fail');
    expect(report.ready).toBe(false);
    expect(check.found).toContain(APPIMAGE);
    expect(check.fix!.text).toContain('/etc/apparmor.d/porthole-appimage');
    expect(check.fix!.text).toContain('Do not start it with --no-sandbox');
    expect(check.fix!.commands).toEqual(appArmorCommands(APPIMAGE, 'sudo '));
    expect(formatHostReport(report)).toContain('sudo apparmor_parser -r /etc/apparmor.d/porthole-appimage');
  });

  it('on a kernel without unprivileged user namespaces, points at the deb or rpm (a profile would not help)', () => {
    const f: AppImageSandboxFindings = {
      appImage: APPIMAGE,
      apparmorRestricts: false,
      usernsCloneOff: true,
      label: null,
    };
    expect(appImageSandboxCheck(f, 'sudo ')).toMatchObject({
      status: 'fail',
      fix: { text: expect.stringContaining('.deb or .rpm'), commands: [] },
    });
  });

  it('the profile attaches to the AppImage’s own file, allows user namespaces and nothing else', () => {
    expect(appArmorProfile(APPIMAGE)).toBe(
      [
        'abi <abi/4.0>,',
        'include <tunables/global>',
        '',
        `profile porthole-appimage "${APPIMAGE}" flags=(unconfined) {`,
        '  userns,',
        '',
        '  include if exists <local/porthole-appimage>',
        '}',
        '',
      ].join('\n'),
    );
    // Glob characters and quotes in the path are literal in the attachment.
    expect(appArmorProfile('/home/a/My Apps/P[1]*.AppImage')).toContain('"/home/a/My Apps/P\\[1\\]\\*.AppImage"');
  });

  it('its commands write exactly that profile, a path with spaces and quotes included (run with sh)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-apparmor-'));
    try {
      const path = "/home/alice/My Apps/Porthole's.AppImage";
      const [write] = appArmorCommands(path, '');
      const out = join(dir, 'profile');
      execFileSync('sh', ['-c', write!.replace('/etc/apparmor.d/porthole-appimage', out)], { stdio: 'ignore' });
      expect(await readFile(out, 'utf8')).toBe(appArmorProfile(path));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the tray helper check', () => {
  it('names the package that has gdbus when it is missing (close-to-tray and --hidden need it), and never blocks', async () => {
    const byId = async () => (await checkHost(fake.options())).checks.find((c) => c.id === 'tray-helper')!;
    expect(await byId()).toMatchObject({ status: 'ok', found: '/usr/bin/gdbus is installed.' });
    await fake.remove('/usr/bin/gdbus');
    const report = await checkHost(fake.options());
    const check = report.checks.find((c) => c.id === 'tray-helper')!;
    expect(check.status).toBe('warn');
    expect(check.fix!.commands).toContain('sudo apt install libglib2.0-bin');
    expect(formatHostReport(report)).toContain('gdbus is not installed.');
  });
});
