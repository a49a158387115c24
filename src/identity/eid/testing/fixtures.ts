/**
 * Test fixtures of the e-ID tests: real units (Tỉnh Hải Dương '30', Xã Cẩm Hoàng '10897' and
 * Xã Cẩm Văn '10900' as of 2023-02-28), people registered through the population module with
 * valid identification numbers (prefix 030, Hải Dương), police accounts, images made in memory,
 * and the SMS file sink the outbox writes to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { Temporal } from 'temporal-polyfill';
import type { StaffRole } from '../../../platform/auth.js';
import { todayInVietnam } from '../../../platform/dates.js';
import { deliverDueMessages, readSinkFile } from '../../../platform/jobs/index.js';
import { startTestPlatform, type TestPlatform } from '../../../platform/testing/app.js';
import type { TestDatabase } from '../../../platform/testing/engines.js';
import { createCitizen, type CitizenInput } from '../../../population/index.js';
import { unitCodeExists, type UnitsTables } from '../../../units/index.js';
import { createStaff, signInStaff } from '../../index.js';

export const UNIT_DATE = '2023-02-28';
export const CAM_HOANG = '10897';
export const CAM_VAN = '10900';
export const STAFF_PASSWORD = 'Mot-cua-2023!';
export const cli = { kind: 'cli' as const, id: 'cli:test' };

/** A PNG image of `w`×`h` grey pixels (valid signature, IHDR, IDAT, IEND with CRCs). */
export function makePng(w = 64, h = 64, shade = 0x80): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h, shade);
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0; // filter byte
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Bytes starting like a JFIF JPEG (SOI, APP0 "JFIF") and ending with EOI. */
export function makeJpeg(size = 2048): Buffer {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length - 2), 0x11), Buffer.from([0xff, 0xd9])]);
}

/** An ISO/IEC 19794-2 finger minutiae record header (`FMR\0`, version ` 20\0`) with filler minutiae. */
export function makeFmr(seed: number): Buffer {
  const body = Buffer.alloc(120);
  for (let i = 0; i < body.length; i++) body[i] = (seed * 31 + i * 7) & 0xff;
  return Buffer.concat([Buffer.from('FMR\0 20\0', 'latin1'), body]);
}

/** A valid identification number of Hải Dương (030) for a sex and birth year, with a serial. */
export function pinFor(sex: 'male' | 'female', year: number, serial: number): string {
  const g = (Math.floor(year / 100) - 19) * 2 + (sex === 'female' ? 1 : 0);
  return `030${g}${String(year % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
}

/** Today's Vietnam date plus `years` (negative: before). */
export function yearsFromToday(years: number, days = 0): string {
  return Temporal.PlainDate.from(todayInVietnam()).add({ years, days }).toString();
}

/** A person living in `commune` (as of 2023-02-28) with a chip card valid 5 more years unless told otherwise. */
export function person(p: { pin: string; fullName: string; dateOfBirth: string; sex: 'male' | 'female'; commune?: string; card?: CitizenInput['identityCard'] | null; motherPin?: string; status?: CitizenInput['status']; deceasedOn?: string; nationality?: string }): CitizenInput {
  return {
    pin: p.pin,
    fullName: p.fullName,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
    nationality: p.nationality,
    birthRegistration: { unitCode: '30', unitDate: UNIT_DATE },
    permanentResidence: { unitCode: p.commune ?? CAM_HOANG, unitDate: UNIT_DATE, addressLine: 'Thôn Hoàng Xá' },
    identityCard: p.card === undefined ? { number: p.pin, issuedOn: '2021-04-01', expiresOn: yearsFromToday(5), chip: true } : p.card,
    motherPin: p.motherPin,
    status: p.status,
    deceasedOn: p.deceasedOn,
  };
}

export interface EidPlatform extends TestPlatform {
  tokens: Record<string, string>;
  smsFile: string;
}

/** A platform whose SMS go to a JSON-lines file, with police of Cẩm Hoàng, Cẩm Văn and the province. */
export async function startEidPlatform(t: TestDatabase, env: Record<string, string> = {}): Promise<EidPlatform> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-eid-'));
  const smsFile = path.join(dir, 'sms.jsonl');
  const platform = await startTestPlatform(t, { MOTCUA_SMS_SINK: `file:${smsFile}`, MOTCUA_PUBLIC_URL: 'https://dichvucong.haiduong.gov.vn', ...env });
  const tokens: Record<string, string> = {};
  const staff: [string, StaffRole, string | null][] = [
    ['congan.camhoang', 'COMMUNE_POLICE', CAM_HOANG],
    ['congan.camvan', 'COMMUNE_POLICE', CAM_VAN],
    ['pc06.haiduong', 'PROVINCIAL_POLICE', '30'],
    ['canbo.camhoang', 'COMMUNE_OFFICER', CAM_HOANG],
  ];
  for (const [username, role, unit] of staff) {
    await createStaff(platform.ctx.db, { username, password: STAFF_PASSWORD, role, unitCode: unit, unitDate: UNIT_DATE }, cli, (c) => unitCodeExists(platform.ctx.db.as<UnitsTables>(), c));
    tokens[username] = (await signInStaff(platform.ctx.db, username, STAFF_PASSWORD, '127.0.0.1')).token;
  }
  return { ...platform, tokens, smsFile };
}

export async function register(p: EidPlatform, ...people: CitizenInput[]): Promise<void> {
  for (const c of people) {
    const r = await createCitizen(p.ctx.db, c, cli);
    if (r.outcome !== 'created') throw new Error(`fixture ${c.pin} not created: ${r.outcome}`);
  }
}

/** Delivers queued messages and answers the SMS sent to `phone` (E.164), in the order delivered (messages due together may go out in any order). */
export async function smsTo(p: EidPlatform, phone: string): Promise<{ id: number; kind: string; text: string }[]> {
  await deliverDueMessages(p.ctx);
  return readSinkFile(p.smsFile).filter((l) => l.to === phone);
}

/** The 6-digit code of the latest activation SMS queued for `phone`. */
export async function lastCode(p: EidPlatform, phone: string): Promise<string> {
  const otp = (await smsTo(p, phone)).filter((m) => m.kind === 'eid.otp').sort((a, b) => a.id - b.id).at(-1);
  const m = otp ? /là (\d{6}),/.exec(otp.text) : null;
  if (!m) throw new Error(`no activation code sent to ${phone}`);
  return m[1]!;
}

let phoneSerial = 0;

/**
 * An active e-ID account for a registered person, made as a citizen and police would: a level-1
 * application online (or level 2 in person at Cẩm Hoàng police), approval, activation by SMS code.
 */
export async function activeAccount(p: EidPlatform, person: CitizenInput, level: 1 | 2, password: string): Promise<{ phone: string; accountId: number }> {
  phoneSerial++;
  const national = `09${String(10_000_000 + ((process.pid * 7 + phoneSerial * 7919) % 89_999_999)).padStart(8, '0')}`;
  const phone = `+84${national.slice(1)}`;
  const inject = (method: 'POST' | 'GET', url: string, payload?: unknown, token?: string) =>
    p.app.inject({ method, url, payload: payload as never, remoteAddress: `198.51.100.${phoneSerial % 250}`, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const app =
    level === 1
      ? await inject('POST', '/api/v1/eid/applications', { pin: person.pin, fullName: person.fullName, dateOfBirth: person.dateOfBirth, sex: person.sex, phone: national, faceImage: makePng(80, 80).toString('base64') })
      : await inject(
          'POST',
          '/api/v1/eid/applications/in-person',
          { pin: person.pin, phone: national, portrait: makePng(100, 120, 0x50).toString('base64'), fingerprints: [{ position: 2, template: makeFmr(2).toString('base64') }, { position: 7, template: makeFmr(7).toString('base64') }], consent: true, collectionPoint: { kind: 'police_office', unitCode: CAM_HOANG } },
          p.tokens['congan.camhoang'],
        );
  if (app.statusCode !== 201) throw new Error(`application of ${person.pin}: ${app.body}`);
  const decided = await inject('POST', `/api/v1/eid/applications/${app.json().id}/decision`, { decision: 'approve' }, p.tokens['congan.camhoang']);
  if (decided.statusCode !== 200) throw new Error(`decision: ${decided.body}`);
  await inject('POST', '/api/v1/eid/activations', { pin: person.pin, phone: national });
  const code = await lastCode(p, phone);
  const ok = await inject('POST', '/api/v1/eid/activations/confirm', { pin: person.pin, phone: national, code, password, passcode: '482913' });
  if (ok.statusCode !== 200) throw new Error(`activation: ${ok.body}`);
  return { phone, accountId: decided.json().accountId as number };
}
