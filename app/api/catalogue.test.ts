import { describe, expect, it } from 'vitest';
import {
  findLanguage,
  findVersion,
  isCultureName,
  isVersionUrl,
  keyboardFromXkb,
  languageFromLocale,
  versionFamilies,
  versionName,
  versionRequirements,
  windowsLanguages,
  windowsVersions,
} from './catalogue';

describe('windows versions', () => {
  it('lists every alias of the contract', () => {
    const contract = [
      '11',
      '11l',
      '11e',
      '10',
      '10l',
      '10e',
      '8e',
      '7u',
      'vu',
      'xp',
      '2025',
      '2022',
      '2019',
      '2016',
      '2012',
      '2008',
      '2003',
      'tiny11',
      'tiny10',
      'core11',
    ];
    for (const id of contract) expect(findVersion(id)?.listed, id).toBe(true);
  });

  it('has unique ids and aliases, and each family exists', () => {
    const all = windowsVersions.flatMap((v) => [v.id, ...v.aliases]);
    expect(new Set(all).size).toBe(all.length);
    const families = new Set(versionFamilies.map((f) => f.id));
    for (const v of windowsVersions) expect(families.has(v.family), v.id).toBe(true);
  });

  it('follows the contract minimums', () => {
    for (const id of ['11', '11l', '11e', '2025', '2022', '2019', '2016']) {
      expect(findVersion(id)).toMatchObject({ minDiskGiB: 32, minRamGiB: 2 });
    }
    for (const id of ['10', '10l', '10e']) expect(findVersion(id)).toMatchObject({ minDiskGiB: 16, minRamGiB: 2 });
    for (const v of windowsVersions) {
      expect(v.minRamGiB).toBeGreaterThanOrEqual(1);
      expect(v.minDiskGiB).toBeGreaterThanOrEqual(1);
      expect(v.minDiskGiB).toBeLessThanOrEqual(64); // the default disk fits every version
      expect(v.downloadBytes).toBeGreaterThan(50_000_000);
    }
  });

  it('notes evaluation copies and LTSC', () => {
    expect(findVersion('11e')).toMatchObject({ evaluation: true, note: expect.stringContaining('90 days') });
    expect(findVersion('2022')).toMatchObject({ evaluation: true, note: expect.stringContaining('180 days') });
    expect(findVersion('11l')?.edition).toContain('LTSC');
    expect(findVersion('11')?.evaluation).toBe(false);
    expect(findVersion('reactos')?.unattended).toBe(false);
  });

  it('finds a version in any spelling the image accepts', () => {
    expect(findVersion('Windows 11')?.id).toBe('11');
    expect(findVersion(' WIN10 ')?.id).toBe('10');
    expect(findVersion('ltsc11')?.id).toBe('11l');
    expect(findVersion('2012r2')?.id).toBe('2012');
    expect(findVersion('7')?.listed).toBe(false);
    expect(findVersion('12')).toBeUndefined();
    expect(findVersion('')).toBeUndefined();
  });

  it('knows download addresses', () => {
    expect(isVersionUrl('https://example.com/win.iso')).toBe(true);
    expect(isVersionUrl('http://10.0.0.2/w.esd')).toBe(true);
    expect(isVersionUrl('ftp://example.com/win.iso')).toBe(false);
    expect(isVersionUrl('https://')).toBe(false);
    expect(versionName('https://example.com/win.iso')).toBe('Windows from https://example.com/win.iso');
    expect(versionName('10')).toBe('Windows 10 Pro');
    expect(versionName('weird')).toBe('weird');
  });

  it('gives requirements, relaxed for a custom ISO', () => {
    expect(versionRequirements('10')).toEqual({ minRamGiB: 2, minDiskGiB: 16 });
    expect(versionRequirements('https://example.com/x.iso')).toEqual({ minRamGiB: 2, minDiskGiB: 32 });
    expect(versionRequirements('11', '/isos/linux.iso')).toEqual({ minRamGiB: 1, minDiskGiB: 1 });
  });
});

describe('languages', () => {
  it('starts with English and covers the common ones', () => {
    expect(windowsLanguages[0]).toMatchObject({ name: 'English', code: 'en', culture: 'en-US' });
    expect(windowsLanguages.length).toBeGreaterThanOrEqual(20);
    const cultures = windowsLanguages.map((l) => l.culture);
    expect(new Set(cultures).size).toBe(cultures.length);
    for (const c of cultures) expect(isCultureName(c) || c === 'zh-HK', c).toBe(true);
  });

  it('resolves names, codes and cultures as the image does', () => {
    expect(findLanguage('French')?.culture).toBe('fr-FR');
    expect(findLanguage('fr')?.culture).toBe('fr-FR');
    expect(findLanguage('fr-BE')?.culture).toBe('fr-FR');
    expect(findLanguage('fr_CA')?.culture).toBe('fr-CA');
    expect(findLanguage('de-CH')?.culture).toBe('de-DE');
    // The image reads plain "pt" and "Portuguese" as Brazilian Portuguese, and any other pt-XX as Portugal.
    expect(findLanguage('pt')?.culture).toBe('pt-BR');
    expect(findLanguage('Portuguese')?.culture).toBe('pt-BR');
    expect(findLanguage('pt-PT')?.culture).toBe('pt-PT');
    expect(findLanguage('pt-AO')?.culture).toBe('pt-PT');
    expect(findLanguage('gb')?.culture).toBe('en-GB');
    expect(findLanguage('en-AU')?.culture).toBe('en-US');
    expect(findLanguage('zh-TW')?.culture).toBe('zh-TW');
    expect(findLanguage('zh-SG')?.culture).toBe('zh-CN');
    expect(findLanguage('no')?.culture).toBe('nb-NO');
    expect(findLanguage('Klingon')).toBeUndefined();
    expect(findLanguage('xx-YY')).toBeUndefined();
  });

  it('maps a host locale to language and region', () => {
    expect(languageFromLocale('de_CH.UTF-8')).toEqual({ language: 'de-DE', region: 'de-CH' });
    expect(languageFromLocale('de_DE.UTF-8')).toEqual({ language: 'de-DE' });
    expect(languageFromLocale('en_US.UTF-8')).toEqual({ language: 'en-US' });
    expect(languageFromLocale('en_GB.UTF-8')).toEqual({ language: 'en-GB' });
    expect(languageFromLocale('en_AU.UTF-8')).toEqual({ language: 'en-GB', region: 'en-AU' });
    expect(languageFromLocale('en_CA.UTF-8')).toEqual({ language: 'en-US', region: 'en-CA' });
    expect(languageFromLocale('fr_CA.UTF-8')).toEqual({ language: 'fr-CA' });
    expect(languageFromLocale('fr_BE.UTF-8')).toEqual({ language: 'fr-FR', region: 'fr-BE' });
    expect(languageFromLocale('pt_BR.UTF-8')).toEqual({ language: 'pt-BR' });
    expect(languageFromLocale('pt_PT')).toEqual({ language: 'pt-PT' });
    expect(languageFromLocale('es_AR.UTF-8')).toEqual({ language: 'es-MX', region: 'es-AR' });
    expect(languageFromLocale('zh_HK.UTF-8')).toEqual({ language: 'zh-HK' });
    expect(languageFromLocale('sr_RS@latin')).toEqual({ language: 'sr-Latn-RS' });
    expect(languageFromLocale('nn_NO.UTF-8')).toEqual({ language: 'nb-NO', region: 'nn-NO' });
    expect(languageFromLocale('sv_FI.UTF-8')).toEqual({ language: 'sv-SE', region: 'sv-FI' });
    expect(languageFromLocale('de')).toEqual({ language: 'de-DE' });
  });

  it('falls back to English for C, POSIX, garbage and languages Windows is not published in', () => {
    for (const locale of [undefined, '', 'C', 'C.UTF-8', 'POSIX', 'ca_ES.UTF-8', 'se_NO.UTF-8', 'hi_IN', '../../etc']) {
      expect(languageFromLocale(locale), String(locale)).toEqual({ language: 'en-US' });
    }
  });

  it('maps XKB layouts to keyboard cultures', () => {
    expect(keyboardFromXkb('ch')).toBe('de-CH');
    expect(keyboardFromXkb('ch', 'fr')).toBe('fr-CH');
    expect(keyboardFromXkb('ch(fr)')).toBe('fr-CH');
    expect(keyboardFromXkb('de', 'nodeadkeys')).toBe('de-DE');
    expect(keyboardFromXkb('us,de')).toBe('en-US');
    expect(keyboardFromXkb('GB')).toBe('en-GB');
    expect(keyboardFromXkb('latam')).toBe('es-MX');
    expect(keyboardFromXkb('ca', 'eng')).toBe('en-CA');
    expect(keyboardFromXkb('dvorak-unknown')).toBeUndefined();
    expect(keyboardFromXkb(undefined)).toBeUndefined();
    expect(keyboardFromXkb('')).toBeUndefined();
  });
});
