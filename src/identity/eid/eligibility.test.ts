/** Pure rules of the e-ID module: ages from partial dates, eligibility (Decree 69/2024/NĐ-CP Art. 7), uploads judged by content, passcodes. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import type { RegistryFacts } from '../../population/index.js';
import { checkPasscode } from './activation.js';
import { decodeBase64, decodeFingerprints, decodeImage, FINGERPRINT_MAX_BYTES, IMAGE_MAX_BYTES, sniffImage } from './biometrics.js';
import { ageOn, autoLockReason, checkEligibility, latestDateOf } from './eligibility.js';
import { makeFmr, makeJpeg, makePng } from './testing/fixtures.js';

const TODAY = '2025-06-15';
const adult: RegistryFacts = {
  pin: '030090001234',
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-05-12',
  sex: 'male',
  nationality: 'VN',
  status: 'living',
  deceasedOn: null,
  identityCard: { number: '030090001234', expiresOn: '2030-05-12', chip: true },
  residence: { path: ['30', '288', '10897'], unitDate: '2023-02-28' },
  fatherPin: null,
  motherPin: null,
};
const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as AppError).code;
  }
};

describe('ages', () => {
  it('counts whole years at the youngest a partial date of birth allows', () => {
    expect(latestDateOf('2011')).toBe('2011-12-31');
    expect(latestDateOf('2012-02')).toBe('2012-02-29');
    expect(latestDateOf('2011-02')).toBe('2011-02-28');
    expect(ageOn('2011-06-15', TODAY)).toBe(14);
    expect(ageOn('2011-06-16', TODAY)).toBe(13);
    expect(ageOn('2011-06', TODAY)).toBe(13);
    expect(ageOn('2011', TODAY)).toBe(13);
    expect(ageOn('2010', TODAY)).toBe(14);
  });
});

describe('eligibility (Decree 69/2024/NĐ-CP Art. 7)', () => {
  const check = (f: Partial<RegistryFacts>, r: { level: 1 | 2; viaGuardian?: boolean; inPerson?: boolean }) =>
    codeOf(() => checkEligibility({ ...adult, ...f }, { level: r.level, viaGuardian: r.viaGuardian ?? false, inPerson: r.inPerson ?? r.level === 2 }, TODAY));
  it('admits an adult with a valid chip card at both levels', () => {
    expect(check({}, { level: 1 })).toBeUndefined();
    expect(check({}, { level: 2 })).toBeUndefined();
  });
  it('gives each refusal its own code', () => {
    expect(check({ status: 'deceased', deceasedOn: '2024-01-01' }, { level: 1 })).toBe('EID_PERSON_DECEASED');
    expect(check({ status: 'cancelled' }, { level: 1 })).toBe('EID_NUMBER_CANCELLED');
    expect(check({ nationality: 'KR' }, { level: 1 })).toBe('EID_NOT_VIETNAMESE');
    expect(check({ identityCard: null }, { level: 1 })).toBe('EID_CARD_REQUIRED');
    expect(check({ identityCard: { number: '030090001234', expiresOn: '2025-06-14', chip: true } }, { level: 1 })).toBe('EID_CARD_EXPIRED');
    expect(check({ identityCard: { number: '030090001234', expiresOn: '2025-06-15', chip: true } }, { level: 1 })).toBeUndefined();
    expect(check({ identityCard: { number: '141234567', expiresOn: null, chip: false } }, { level: 2 })).toBe('EID_CHIP_CARD_REQUIRED');
    expect(check({ identityCard: { number: '141234567', expiresOn: null, chip: false } }, { level: 1 })).toBeUndefined();
  });
  it('applies the age bands: under 14 through a parent online, level 2 from 6 in person', () => {
    expect(check({ dateOfBirth: '2015-01-01' }, { level: 1 })).toBe('EID_GUARDIAN_REQUIRED');
    expect(check({ dateOfBirth: '2015-01-01' }, { level: 1, viaGuardian: true })).toBeUndefined();
    expect(check({ dateOfBirth: '2011-06-15' }, { level: 1, viaGuardian: true })).toBe('EID_GUARDIAN_NOT_ALLOWED');
    expect(check({ dateOfBirth: '2015-01-01' }, { level: 2 })).toBeUndefined();
    expect(check({ dateOfBirth: '2019-06-16' }, { level: 2 })).toBe('EID_AGE_LEVEL2_UNDER_6');
    expect(check({ dateOfBirth: '2019-06-15' }, { level: 2 })).toBeUndefined();
    expect(check({ dateOfBirth: '2021' }, { level: 1, viaGuardian: true })).toBeUndefined();
  });
  it('names the reason for an automatic lock (Art. 15)', () => {
    expect(autoLockReason(adult, TODAY)).toBeUndefined();
    expect(autoLockReason(undefined, TODAY)).toBe('number_cancelled');
    expect(autoLockReason({ ...adult, status: 'deceased' }, TODAY)).toBe('deceased');
    expect(autoLockReason({ ...adult, identityCard: { number: 'x', expiresOn: '2025-06-14', chip: true } }, TODAY)).toBe('card_expired');
  });
});

describe('uploads judged by content', () => {
  it('recognises JPEG and PNG by their signatures only', () => {
    expect(sniffImage(makePng(4, 4))).toBe('image/png');
    expect(sniffImage(makeJpeg(64))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImage(Buffer.from('%PDF-1.7'))).toBeUndefined();
  });
  it('decodes base64 and data URLs, refusing bad encodings, empty and oversize data', () => {
    const png = makePng(8, 8);
    expect(decodeImage('faceImage', `data:image/png;base64,${png.toString('base64')}`).bytes.equals(png)).toBe(true);
    expect(decodeImage('faceImage', png.toString('base64').replace(/(.{60})/g, '$1\n')).mediaType).toBe('image/png');
    expect(codeOf(() => decodeImage('faceImage', 'abc$'))).toBe('EID_IMAGE_ENCODING');
    expect(codeOf(() => decodeImage('faceImage', 'data:image/png,abcd'))).toBe('EID_IMAGE_ENCODING');
    expect(codeOf(() => decodeImage('faceImage', '   '))).toBe('EID_IMAGE_EMPTY');
    expect(codeOf(() => decodeImage('faceImage', Buffer.from('GIF89a....').toString('base64')))).toBe('EID_IMAGE_TYPE');
    const big = Buffer.concat([makeJpeg(16), Buffer.alloc(IMAGE_MAX_BYTES)]);
    expect(codeOf(() => decodeImage('portrait', big.toString('base64')))).toBe('EID_IMAGE_TOO_LARGE');
    expect(decodeBase64('x', Buffer.alloc(IMAGE_MAX_BYTES, 1).toString('base64'), IMAGE_MAX_BYTES)).toHaveLength(IMAGE_MAX_BYTES);
  });
  it('accepts ISO/IEC 19794-2/-4 fingerprint records only, once per finger', () => {
    const [fmr] = decodeFingerprints([{ position: 2, template: makeFmr(1).toString('base64') }]);
    expect(fmr).toMatchObject({ position: 2, mediaType: 'application/x-iso19794-2' });
    const fir = Buffer.concat([Buffer.from('FIR\0 10\0', 'latin1'), Buffer.alloc(64, 7)]);
    expect(decodeFingerprints([{ position: 7, template: fir.toString('base64') }])[0]!.mediaType).toBe('application/x-iso19794-4');
    expect(codeOf(() => decodeFingerprints([{ position: 2, template: makePng(4, 4).toString('base64') }]))).toBe('EID_FINGERPRINT_FORMAT');
    expect(codeOf(() => decodeFingerprints([{ position: 2, template: makeFmr(1).toString('base64') }, { position: 2, template: makeFmr(2).toString('base64') }]))).toBe('EID_FINGERPRINT_DUPLICATE');
    expect(codeOf(() => decodeFingerprints([{ position: 2, template: Buffer.concat([makeFmr(1), Buffer.alloc(FINGERPRINT_MAX_BYTES)]).toString('base64') }]))).toBe('EID_IMAGE_TOO_LARGE');
  });
});

describe('passcodes (NIST SP 800-63B §5.1.1.2 spirit)', () => {
  it('refuses repeated and consecutive runs', () => {
    for (const p of ['000000', '999999', '123456', '654321', '345678', '12345', 'abcdef']) expect(codeOf(() => checkPasscode(p))).toBe('EID_PASSCODE_WEAK');
    for (const p of ['482913', '870707', '190822']) expect(codeOf(() => checkPasscode(p))).toBeUndefined();
  });
});
