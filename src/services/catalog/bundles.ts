/**
 * The two electronic inter-agency bundles of Decree 63/2024/NĐ-CP (items 17–18, domain.md §2.3)
 * and their members that are not themselves essential services: the health-insurance card for a
 * child under 6 and the funeral allowance. Birth registration (P.000014), permanent residence
 * (1.004222), death registration (P.000015) and removal of permanent residence (P.100002) are
 * defined with their sectors.
 *
 * Processing: the civil-status officer registers on the day the complete dossier arrives (Art. 8);
 * the whole bundle takes at most 3 working days when complete (secondary source, domain.md §2.3,
 * to verify against the decree text); dossiers after 15:00 count from the next working day.
 * No fee, no paper copies. Codes provisional.
 */
import type { ServiceDefinition } from '../model.js';
import { address, applicant, applicantPrefill, choice, DECREE_63, DIRECTIVE_24, doc, entry, form, group, pin, text } from './fields.js';
import { CHILD, DECEASED, FATHER, MOTHER } from './justice.js';

const HEALTH_INSURANCE = group('Thẻ bảo hiểm y tế', 'Health-insurance card', ['initialCareFacility'], {
  initialCareFacility: text('Nơi đăng ký khám chữa bệnh ban đầu', 'Facility for initial care', 300),
});

const BANK_ACCOUNT = group('Tài khoản nhận tiền', 'Bank account for the payment', ['bank', 'accountNumber', 'accountHolder'], {
  bank: text('Ngân hàng', 'Bank', 100),
  accountNumber: text('Số tài khoản', 'Account number', 30, { pattern: '^[0-9]{6,30}$', 'x-form': '6–30 chữ số' }),
  accountHolder: text('Chủ tài khoản', 'Account holder', 100),
});

const FUNERAL = group('Trợ cấp mai táng', 'Funeral allowance', ['recipientRelation', 'payment'], {
  recipientRelation: choice('Quan hệ của người nhận với người đã chết', "Recipient's relation to the deceased", ['spouse', 'child', 'parent', 'sibling', 'relative', 'organiser']),
  socialInsuranceNumber: text('Mã số bảo hiểm xã hội của người đã chết', "Deceased's social-insurance number", 10, { pattern: '^[0-9]{10}$', 'x-form': '10 chữ số' }),
  payment: BANK_ACCOUNT,
});

const BUNDLE_COMMON = {
  agencyVi: 'Ủy ban nhân dân cấp xã (tiếp nhận), liên thông Công an cấp xã và cơ quan Bảo hiểm xã hội',
  agencyEn: "Commune People's Committee (receives), with the commune police and social insurance",
  agencyLevel: 'commune' as const,
  sector: 'inter_agency' as const,
  fees: [],
};

export const BUNDLE_MEMBER_SERVICES: ServiceDefinition[] = [
  entry({
    code: 'P.100001',
    essentialNo: null,
    nameVi: 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
    nameEn: 'Health-insurance card for a child under 6',
    agencyVi: 'Cơ quan Bảo hiểm xã hội',
    agencyEn: 'Vietnam Social Security office',
    agencyLevel: 'province',
    sector: 'social_insurance',
    processingDays: 5,
    fees: [],
    requiredDocuments: [],
    formSchema: form(['applicant', 'childPin', 'healthInsurance'], {
      applicant: applicant(),
      childPin: pin('Số định danh cá nhân của trẻ', "Child's identification number"),
      healthInsurance: HEALTH_INSURANCE,
    }),
    prefill: applicantPrefill(),
    resultVi: 'Thẻ bảo hiểm y tế của trẻ (bản điện tử trên VNeID)',
    resultEn: "The child's health-insurance card (electronic, on VNeID)",
    legalBasis: ['Luật Bảo hiểm y tế 25/2008/QH12 (sửa đổi), Điều 12, 16', DECREE_63],
    notes: 'Member of the birth bundle. domain.md §3.4 gives 1.014137 as "health-insurance card" without naming the procedure: kept provisional. Time limit to verify.',
  }),
  entry({
    code: 'P.100003',
    essentialNo: null,
    nameVi: 'Giải quyết trợ cấp mai táng',
    nameEn: 'Funeral allowance',
    agencyVi: 'Cơ quan Bảo hiểm xã hội hoặc Ủy ban nhân dân cấp xã (trợ giúp xã hội)',
    agencyEn: "Social insurance office or the commune People's Committee (social assistance)",
    agencyLevel: 'province',
    sector: 'social_insurance',
    processingDays: 5,
    fees: [],
    requiredDocuments: [],
    formSchema: form(['applicant', 'deceasedPin', 'funeral'], {
      applicant: applicant(),
      deceasedPin: pin('Số định danh cá nhân của người đã chết', "Deceased's identification number"),
      funeral: FUNERAL,
    }),
    prefill: applicantPrefill(),
    resultVi: 'Quyết định hưởng trợ cấp mai táng; tiền trợ cấp chuyển vào tài khoản',
    resultEn: 'Decision on the funeral allowance; the money paid to the account',
    legalBasis: ['Luật Bảo hiểm xã hội 41/2024/QH15', 'Nghị định 20/2021/NĐ-CP (trợ giúp xã hội)', DECREE_63],
    notes: 'Member of the death bundle (funeral allowance / survivor benefit). Which body pays depends on the deceased (insured person or social-assistance beneficiary). Time limit to verify.',
  }),
];

export const BUNDLES: ServiceDefinition[] = [
  entry({
    code: 'P.000017',
    kind: 'bundle',
    essentialNo: 17,
    nameVi: 'Liên thông đăng ký khai sinh - đăng ký thường trú - cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
    nameEn: 'Bundled: birth registration + permanent residence + health-insurance card for a child under 6',
    ...BUNDLE_COMMON,
    processingDays: 3,
    members: ['P.000014', '1.004222', 'P.100001'],
    requiredDocuments: [doc('birthNotice', 'Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh (khi chưa liên thông điện tử)', 'Birth notice or its substitute (when not shared electronically)', true)],
    formSchema: form(['applicant', 'relationToChild', 'child', 'mother', 'permanentResidence', 'healthInsurance'], {
      applicant: applicant(),
      relationToChild: choice('Quan hệ với trẻ', 'Relation to the child', ['mother', 'father', 'grandparent', 'relative', 'other']),
      child: CHILD,
      mother: MOTHER,
      father: FATHER,
      permanentResidence: group('Đăng ký thường trú cho trẻ', "The child's permanent residence", ['address', 'householdHeadPin'], {
        address: address('Nơi thường trú', 'Address'),
        householdHeadPin: pin('Số định danh của chủ hộ', "Head of household's identification number"),
      }),
      healthInsurance: HEALTH_INSURANCE,
    }),
    prefill: applicantPrefill(),
    resultVi: 'Giấy khai sinh; thông báo đăng ký thường trú; thẻ bảo hiểm y tế của trẻ (bản điện tử, gửi VNeID / Cổng Dịch vụ công quốc gia)',
    resultEn: "Birth certificate; notice of permanent residence; the child's health-insurance card (electronic, to VNeID / the national portal)",
    legalBasis: [DIRECTIVE_24, `${DECREE_63}, Điều 6, 8`],
    notes: '3 working days when complete, 5 when checks are needed (secondary source, domain.md §2.3; to verify against the decree text).',
  }),
  entry({
    code: 'P.000018',
    kind: 'bundle',
    essentialNo: 18,
    nameVi: 'Liên thông đăng ký khai tử - xóa đăng ký thường trú - trợ cấp mai táng phí',
    nameEn: 'Bundled: death registration + removal of permanent residence + funeral allowance / survivor benefit',
    ...BUNDLE_COMMON,
    processingDays: 3,
    members: ['P.000015', 'P.100002', 'P.100003'],
    requiredDocuments: [doc('deathNotice', 'Giấy báo tử hoặc giấy tờ thay Giấy báo tử (khi chưa liên thông điện tử)', 'Death notice or its substitute (when not shared electronically)', true)],
    formSchema: form(['applicant', 'relationToDeceased', 'deceased', 'funeral'], {
      applicant: applicant(),
      relationToDeceased: choice('Quan hệ với người đã chết', 'Relation to the deceased', ['spouse', 'child', 'parent', 'sibling', 'relative', 'other']),
      deceased: DECEASED,
      householdHeadPin: pin('Số định danh của chủ hộ', "Head of household's identification number"),
      funeral: FUNERAL,
    }),
    prefill: applicantPrefill(),
    resultVi: 'Trích lục khai tử; xóa đăng ký thường trú; quyết định hưởng trợ cấp mai táng (bản điện tử)',
    resultEn: 'Death registration extract; removal of permanent residence; decision on the funeral allowance (electronic)',
    legalBasis: [DIRECTIVE_24, `${DECREE_63}, Điều 6`],
    notes: 'Time limit as for the birth bundle (secondary source, domain.md §2.3; to verify against the decree text).',
  }),
];
