/**
 * Building blocks of the catalog's form schemas (JSON Schema draft 2020-12). Labels: `title` in
 * Vietnamese, `x-title-en` in English; `x-form` gives the human form of a pattern for error
 * messages; `x-widget` a rendering hint. Every object closes its properties
 * (`additionalProperties: false`): unknown fields are refused (DESIGN.md §4).
 */
import type { PrefillField, ServiceDefinition } from '../model.js';

export type Json = Record<string, unknown>;

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

const label = (vi: string, en: string): Json => ({ title: vi, 'x-title-en': en });

/** The root schema of a form. */
export function form(required: string[], properties: Record<string, Json>): Json {
  return { $schema: DRAFT, type: 'object', additionalProperties: false, required, properties };
}

/** A nested group of fields. */
export function group(vi: string, en: string, required: string[], properties: Record<string, Json>): Json {
  return { ...label(vi, en), type: 'object', additionalProperties: false, required, properties };
}

export function text(vi: string, en: string, maxLength = 200, extra: Json = {}): Json {
  return { ...label(vi, en), type: 'string', minLength: 1, maxLength, ...extra };
}

export function longText(vi: string, en: string, maxLength = 2000): Json {
  return text(vi, en, maxLength, { 'x-widget': 'textarea' });
}

/**
 * The end of a period given by a sibling field (`x-on-or-after`, checked by src/services/forms.ts):
 * not before the sibling's date and, with `maxMonths`, not later than that many months after it.
 */
export interface OnOrAfter {
  field: string;
  maxMonths?: number;
}

export function date(vi: string, en: string, onOrAfter?: OnOrAfter): Json {
  return { ...label(vi, en), type: 'string', format: 'date', 'x-form': 'YYYY-MM-DD', ...(onOrAfter && { 'x-on-or-after': onOrAfter }) };
}

/** A date that may be known to the year or month only (dates of birth in the registry). */
export function partialDate(vi: string, en: string, onOrAfter?: OnOrAfter): Json {
  // The pattern for the web form's own check as it is typed; `partial-date` (src/services/forms.ts) also refuses days the calendar does not have.
  return { ...label(vi, en), type: 'string', format: 'partial-date', pattern: '^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$', 'x-form': 'YYYY, YYYY-MM hoặc YYYY-MM-DD', ...(onOrAfter && { 'x-on-or-after': onOrAfter }) };
}

/** Personal identification number (số định danh cá nhân), 12 digits (Decree 137/2015/NĐ-CP Art. 13). */
export function pin(vi = 'Số định danh cá nhân', en = 'Personal identification number'): Json {
  return { ...label(vi, en), type: 'string', pattern: '^[0-9]{12}$', 'x-form': '12 chữ số' };
}

export function phone(vi = 'Số điện thoại', en = 'Phone number'): Json {
  return { ...label(vi, en), type: 'string', pattern: '^(0|\\+84)[35789][0-9]{8}$', 'x-form': '0xxxxxxxxx hoặc +84xxxxxxxxx', 'x-widget': 'phone' };
}

export function email(vi = 'Thư điện tử', en = 'E-mail'): Json {
  return { ...label(vi, en), type: 'string', format: 'email', maxLength: 254 };
}

export function choice(vi: string, en: string, values: readonly string[]): Json {
  return { ...label(vi, en), type: 'string', enum: [...values] };
}

export function integer(vi: string, en: string, minimum: number, maximum: number): Json {
  return { ...label(vi, en), type: 'integer', minimum, maximum };
}

export function yes(vi: string, en: string): Json {
  return { ...label(vi, en), type: 'boolean' };
}

/** An administrative unit (GSO code: province 2, district 3, commune 5 digits). */
export function unit(vi: string, en: string): Json {
  return { ...label(vi, en), type: 'string', pattern: '^[0-9]{2}([0-9]{3})?$', 'x-form': '2 hoặc 5 chữ số', 'x-widget': 'unit' };
}

export function list(vi: string, en: string, items: Json, maxItems: number, minItems = 1): Json {
  return { ...label(vi, en), type: 'array', items, minItems, maxItems };
}

/** An address: the commune (or province) code and the house number and street. */
export function address(vi: string, en: string): Json {
  return group(vi, en, ['unitCode', 'addressLine'], {
    unitCode: unit('Xã, phường, đặc khu', 'Commune or ward'),
    addressLine: text('Số nhà, đường, thôn, tổ dân phố', 'House number, street, hamlet', 300),
  });
}

export const SEX = choice('Giới tính', 'Sex', ['male', 'female']);

/** The person filing (người yêu cầu / người nộp hồ sơ), pre-filled from the registry. */
export function applicant(extraRequired: string[] = [], extra: Record<string, Json> = {}): Json {
  return group('Người nộp hồ sơ', 'Applicant', ['fullName', 'pin', 'dateOfBirth', 'sex', 'phone', ...extraRequired], {
    fullName: text('Họ, chữ đệm và tên', 'Full name', 100),
    pin: pin(),
    dateOfBirth: partialDate('Ngày sinh', 'Date of birth'),
    sex: SEX,
    phone: phone(),
    email: email(),
    permanentAddress: text('Nơi thường trú', 'Permanent residence', 300),
    ...extra,
  });
}

/** Pre-fill of the {@link applicant} group. */
export function applicantPrefill(at = 'applicant'): Record<string, PrefillField> {
  return {
    [`${at}/fullName`]: 'fullName',
    [`${at}/pin`]: 'pin',
    [`${at}/dateOfBirth`]: 'dateOfBirth',
    [`${at}/sex`]: 'sex',
    [`${at}/phone`]: 'phone',
    [`${at}/email`]: 'email',
    [`${at}/permanentAddress`]: 'permanentAddress',
  };
}

/** Another person named by the form (mother, spouse, deceased): name, number, date of birth. */
export function person(vi: string, en: string, required: string[] = ['fullName', 'pin']): Json {
  return group(vi, en, required, {
    fullName: text('Họ, chữ đệm và tên', 'Full name', 100),
    pin: pin(),
    dateOfBirth: partialDate('Ngày sinh', 'Date of birth'),
    nationality: text('Quốc tịch', 'Nationality', 60),
    ethnicity: text('Dân tộc', 'Ethnic group', 60),
  });
}

export const DELIVERY = choice('Hình thức nhận kết quả', 'How to receive the result', ['online', 'counter', 'post']);

/** A document slot. */
export function doc(key: string, nameVi: string, nameEn: string, required = true) {
  return { key, nameVi, nameEn, required };
}

/** An entry with the defaults every essential service shares (toàn trình, 15:00 cut-off, level 2). */
export function entry(e: Omit<ServiceDefinition, 'onlineLevel' | 'cutoff' | 'requiredAssuranceLevel' | 'hasForm' | 'members' | 'kind' | 'provisionalCode'> & Partial<ServiceDefinition>): ServiceDefinition {
  return {
    kind: 'procedure',
    onlineLevel: 'full',
    cutoff: '15:00',
    requiredAssuranceLevel: 2,
    hasForm: true,
    members: [],
    ...e,
    provisionalCode: e.code.startsWith('P.'),
  } as ServiceDefinition;
}

/** Common legal basis of the essential services. */
export const DIRECTIVE_24 = 'Chỉ thị 24/CT-TTg ngày 13/9/2025 (25 dịch vụ công thiết yếu toàn trình)';
export const DECREE_118 = 'Nghị định 118/2025/NĐ-CP (cơ chế một cửa, một cửa liên thông)';
export const DECREE_63 = 'Nghị định 63/2024/NĐ-CP (liên thông điện tử hai nhóm thủ tục)';
export const DECREE_69 = 'Nghị định 69/2024/NĐ-CP (định danh và xác thực điện tử)';
