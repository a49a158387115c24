/**
 * Civil status (hộ tịch) at the commune People's Committee: items 14–16 of the essential list
 * (domain.md §2.2). Civil Status Law 60/2014/QH13: birth (Art. 16), marriage (Art. 18) and death
 * (Art. 34) are registered on the day the complete dossier arrives; Decree 123/2015/NĐ-CP: a
 * dossier received after 15:00 is settled the next working day. On-time birth and death
 * registration and the marriage of citizens living in Vietnam are free (Art. 11).
 * Every code here is provisional (not given in domain.md).
 */
import type { ServiceDefinition } from '../model.js';
import { address, applicant, applicantPrefill, choice, date, DELIVERY, DIRECTIVE_24, doc, entry, form, group, integer, partialDate, person, pin, SEX, text, yes } from './fields.js';

const CIVIL_STATUS_LAW = 'Luật Hộ tịch 60/2014/QH13';
const DECREE_123 = 'Nghị định 123/2015/NĐ-CP (sửa đổi bởi Nghị định 07/2025/NĐ-CP)';
const COMMUNE = { agencyVi: 'Ủy ban nhân dân cấp xã', agencyEn: "Commune People's Committee", agencyLevel: 'commune' as const, sector: 'justice' as const };

const RELATION_TO_CHILD = choice('Quan hệ với trẻ', 'Relation to the child', ['mother', 'father', 'grandparent', 'relative', 'other']);

/** The child of a birth registration (Tờ khai đăng ký khai sinh, Circular 04/2020/TT-BTP). */
export const CHILD = group('Người được khai sinh', 'The child', ['fullName', 'dateOfBirth', 'sex', 'placeOfBirth', 'ethnicity', 'nationality'], {
  fullName: text('Họ, chữ đệm và tên', 'Full name', 100),
  dateOfBirth: date('Ngày, tháng, năm sinh', 'Date of birth'),
  sex: SEX,
  placeOfBirth: text('Nơi sinh (cơ sở y tế hoặc địa chỉ)', 'Place of birth (health facility or address)', 300),
  birthNoticeNumber: text('Số Giấy chứng sinh', 'Birth notice number', 30),
  ethnicity: text('Dân tộc', 'Ethnic group', 60),
  nationality: text('Quốc tịch', 'Nationality', 60),
  homeTown: text('Quê quán', 'Home town', 200),
});

export const MOTHER = person('Mẹ', 'Mother', ['fullName', 'pin']);
export const FATHER = person('Cha', 'Father', ['fullName', 'pin']);

/** The deceased person of a death registration. */
export const DECEASED = group('Người đã chết', 'The deceased', ['fullName', 'pin', 'dateOfDeath', 'placeOfDeath'], {
  fullName: text('Họ, chữ đệm và tên', 'Full name', 100),
  pin: pin(),
  dateOfBirth: partialDate('Ngày sinh', 'Date of birth'),
  dateOfDeath: date('Ngày chết', 'Date of death'),
  timeOfDeath: text('Giờ, phút chết', 'Time of death', 5, { pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', 'x-form': 'HH:MM' }),
  placeOfDeath: text('Nơi chết', 'Place of death', 300),
  cause: text('Nguyên nhân chết', 'Cause of death', 300),
  deathNoticeNumber: text('Số Giấy báo tử', 'Death notice number', 30),
});

export const JUSTICE_SERVICES: ServiceDefinition[] = [
  entry({
    code: 'P.000014',
    essentialNo: 14,
    nameVi: 'Đăng ký khai sinh',
    nameEn: 'Birth registration',
    ...COMMUNE,
    processingDays: 0,
    fees: [],
    requiredDocuments: [
      doc('birthNotice', 'Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh (khi chưa liên thông điện tử)', 'Birth notice or its substitute (when not shared electronically)', true),
      doc('marriageCertificate', 'Giấy chứng nhận kết hôn của cha mẹ (khi chưa có trong Cơ sở dữ liệu hộ tịch)', "Parents' marriage certificate (when not in the civil-status database)", false),
    ],
    formSchema: form(['applicant', 'relationToChild', 'child', 'mother'], {
      applicant: applicant(),
      relationToChild: RELATION_TO_CHILD,
      child: CHILD,
      mother: MOTHER,
      father: FATHER,
      copies: integer('Số bản sao trích lục', 'Copies of the extract', 0, 10),
      delivery: DELIVERY,
    }),
    prefill: applicantPrefill(),
    resultVi: 'Giấy khai sinh (bản điện tử và bản giấy); số định danh cá nhân của trẻ',
    resultEn: "Birth certificate (electronic and paper); the child's personal identification number",
    legalBasis: [DIRECTIVE_24, `${CIVIL_STATUS_LAW}, Điều 11, 16`, DECREE_123, 'Thông tư 04/2020/TT-BTP (mẫu tờ khai)'],
    notes: 'On the day the complete dossier arrives; after 15:00 the next working day (domain.md §3.5). Free when registered on time (within 60 days of birth).',
  }),
  entry({
    code: 'P.000015',
    essentialNo: 15,
    nameVi: 'Đăng ký khai tử',
    nameEn: 'Death registration',
    ...COMMUNE,
    processingDays: 0,
    fees: [],
    requiredDocuments: [doc('deathNotice', 'Giấy báo tử hoặc giấy tờ thay Giấy báo tử (khi chưa liên thông điện tử)', 'Death notice or its substitute (when not shared electronically)', true)],
    formSchema: form(['applicant', 'relationToDeceased', 'deceased'], {
      applicant: applicant(),
      relationToDeceased: choice('Quan hệ với người đã chết', 'Relation to the deceased', ['spouse', 'child', 'parent', 'sibling', 'relative', 'other']),
      deceased: DECEASED,
      copies: integer('Số bản sao trích lục', 'Copies of the extract', 0, 10),
      delivery: DELIVERY,
    }),
    prefill: applicantPrefill(),
    resultVi: 'Trích lục khai tử (bản điện tử và bản giấy)',
    resultEn: 'Death registration extract (electronic and paper)',
    legalBasis: [DIRECTIVE_24, `${CIVIL_STATUS_LAW}, Điều 11, 32–34`, DECREE_123],
    notes: 'On the day the complete dossier arrives; after 15:00 the next working day. Free when registered on time (within 15 days of death).',
  }),
  entry({
    code: 'P.000016',
    essentialNo: 16,
    nameVi: 'Đăng ký kết hôn',
    nameEn: 'Marriage registration',
    ...COMMUNE,
    processingDays: 0,
    fees: [],
    requiredDocuments: [doc('maritalStatus', 'Giấy xác nhận tình trạng hôn nhân (khi bên kia không cư trú tại xã nơi đăng ký và chưa có trong cơ sở dữ liệu)', 'Certificate of marital status (when not in a database)', false)],
    formSchema: form(['applicant', 'applicantSide', 'otherParty', 'registrationPlace', 'voluntary'], {
      applicant: applicant(['ethnicity', 'nationality'], {
        ethnicity: text('Dân tộc', 'Ethnic group', 60),
        nationality: text('Quốc tịch', 'Nationality', 60),
      }),
      applicantSide: choice('Người nộp là bên', 'The applicant is the', ['husband', 'wife']),
      otherParty: group('Bên kia', 'The other party', ['fullName', 'pin', 'dateOfBirth', 'sex', 'ethnicity', 'nationality', 'residence'], {
        fullName: text('Họ, chữ đệm và tên', 'Full name', 100),
        pin: pin(),
        dateOfBirth: partialDate('Ngày sinh', 'Date of birth'),
        sex: SEX,
        ethnicity: text('Dân tộc', 'Ethnic group', 60),
        nationality: text('Quốc tịch', 'Nationality', 60),
        residence: text('Nơi cư trú', 'Residence', 300),
      }),
      registrationPlace: address('Nơi đăng ký kết hôn (xã nơi cư trú của một bên)', "Place of registration (the commune of either party's residence)"),
      voluntary: { ...yes('Hai bên tự nguyện kết hôn, đủ điều kiện theo Luật Hôn nhân và gia đình', 'Both marry of their own will and meet the conditions of the Marriage and Family Law'), const: true },
      ceremonyDate: date('Ngày đề nghị trao Giấy chứng nhận kết hôn', 'Requested date for handing over the certificate'),
      copies: integer('Số bản sao trích lục', 'Copies of the extract', 0, 10),
    }),
    prefill: { ...applicantPrefill(), 'applicant/ethnicity': 'ethnicity', 'applicant/nationality': 'nationality' },
    resultVi: 'Giấy chứng nhận kết hôn (hai bên cùng có mặt khi trao)',
    resultEn: 'Marriage certificate (both parties present at hand-over)',
    legalBasis: [DIRECTIVE_24, `${CIVIL_STATUS_LAW}, Điều 11, 17–18`, DECREE_123, 'Luật Hôn nhân và gia đình 52/2014/QH13, Điều 8'],
    notes: 'On the day of receipt; up to 5 working days when conditions must be verified (Art. 18(2)). The party who files is pre-filled from the registry; the other party confirms on the day of hand-over.',
  }),
];
