/**
 * A realistic filled-in form for every entry of the built-in catalog: one citizen of Xã Cẩm Giang
 * (GSO 10888, Thành phố Hải Phòng, from 2025-07-01) filing each service. Used by tests (the
 * dossiers module files one dossier per service with a form) and by the demo. The registry
 * fields (the `applicant` group) are what pre-fill would supply.
 */
const APPLICANT = {
  fullName: 'Nguyễn Thị Hoa',
  pin: '031190001234',
  dateOfBirth: '1990-05-12',
  sex: 'female',
  phone: '0912345678',
  email: 'hoa.nguyen@example.vn',
  permanentAddress: 'Thôn Hoàng Đào, xã Cẩm Giang, thành phố Hải Phòng',
};

const HOME = { unitCode: '10888', addressLine: 'Số 12, thôn Hoàng Đào' };
const CHILD = { fullName: 'Trần Minh Khôi', dateOfBirth: '2025-10-20', sex: 'male', placeOfBirth: 'Trạm Y tế xã Cẩm Giang', ethnicity: 'Kinh', nationality: 'Việt Nam' };
const MOTHER = { fullName: 'Nguyễn Thị Hoa', pin: '031190001234' };
const FATHER = { fullName: 'Trần Văn Nam', pin: '031088004321' };
const DECEASED = { fullName: 'Trần Văn Lộc', pin: '030045000123', dateOfDeath: '2025-11-02', placeOfDeath: 'Tại nhà, thôn Hoàng Đào, xã Cẩm Giang' };
const FUNERAL = { recipientRelation: 'child', socialInsuranceNumber: '3010012345', payment: { bank: 'Agribank', accountNumber: '2600205123456', accountHolder: 'Nguyễn Thị Hoa' } };
const BHYT = { initialCareFacility: 'Trạm Y tế xã Cẩm Giang' };

export const SAMPLE_FORMS: Readonly<Record<string, Record<string, unknown>>> = {
  'P.000001': { applicant: APPLICANT, oldIdNumber: '142345678', purpose: 'Bổ sung hồ sơ ngân hàng', delivery: 'online' },
  'P.000002': { applicant: APPLICANT, requestType: 'reissue', reason: 'lost', delivery: 'post' },
  '1.004222': { applicant: APPLICANT, newResidence: HOME, ground: 'own_home', householdHeadPin: '031190001234', relationToHead: 'head', movingMembers: [], ownerConsent: true },
  '1.004194': { applicant: APPLICANT, temporaryResidence: { unitCode: '10888', addressLine: 'Phòng 3, số 8, thôn Phú Lộc' }, from: '2025-10-01', until: '2026-09-30', ground: 'rented_or_borrowed', reason: 'work', ownerConsent: true },
  '1.003677': { applicant: APPLICANT, destination: 'Phường Hai Bà Trưng, thành phố Hà Nội', from: '2025-10-10', until: '2026-04-10', reason: 'Đi làm việc tại Hà Nội' },
  '2.001159': { applicant: APPLICANT, place: HOME, guests: [{ fullName: 'Lê Văn Tâm', pin: '034095006789', dateOfBirth: '1995', sex: 'male' }], from: '2025-10-05', until: '2025-10-08' },
  'P.000007': { applicant: APPLICANT, vehicle: { brand: 'Honda', model: 'Vision', frameNumber: 'RLHJF8010RY123456', engineNumber: 'JF80E1234567', colour: 'Đỏ', valueVnd: 31_000_000 }, plateChoice: 'random' },
  'P.000008': { applicant: APPLICANT, decisionNumber: '1234/QĐ-XPVPHC', plateNumber: '34A-123.45' },
  'P.000009': { applicant: APPLICANT, requestType: 'first_issue', placeOfBirth: 'Hải Dương', occupation: 'Giáo viên', delivery: 'post' },
  'P.000010': {
    applicant: APPLICANT,
    certificateType: 1,
    copies: 2,
    placeOfBirth: 'Xã Cẩm Hoàng, huyện Cẩm Giàng, tỉnh Hải Dương',
    father: { fullName: 'Nguyễn Văn Hùng' },
    mother: { fullName: 'Phạm Thị Lan' },
    residenceHistory: [{ from: '2004-05', until: '2025-06', place: 'Xã Cẩm Hoàng, huyện Cẩm Giàng, tỉnh Hải Dương' }, { from: '2025-07', place: 'Xã Cẩm Giang, thành phố Hải Phòng' }],
    purpose: 'Bổ sung hồ sơ xin việc',
    delivery: 'online',
  },
  'P.000011': { applicant: APPLICANT, organisation: { name: 'Công ty TNHH Nông sản Cẩm Giang', taxCode: '0801234567', address: 'Thôn Phú Lộc, xã Cẩm Giang' }, sealKind: 'without_national_emblem' },
  'P.000012': { applicant: APPLICANT, organisation: { name: 'Công ty TNHH Nông sản Cẩm Giang', address: 'Thôn Phú Lộc, xã Cẩm Giang' }, sealKind: 'replacement', reason: 'Con dấu bị mòn, hỏng' },
  'P.000013': { applicant: APPLICANT, requestType: 'exchange', licenceNumber: '300123456789', licenceClass: 'B', healthCertificateDate: '2025-09-20', delivery: 'post' },
  'P.000014': { applicant: APPLICANT, relationToChild: 'mother', child: CHILD, mother: MOTHER, father: FATHER, copies: 1, delivery: 'online' },
  'P.000015': { applicant: APPLICANT, relationToDeceased: 'child', deceased: DECEASED, copies: 1, delivery: 'online' },
  'P.000016': {
    applicant: { ...APPLICANT, ethnicity: 'Kinh', nationality: 'Việt Nam' },
    applicantSide: 'wife',
    otherParty: { fullName: 'Trần Văn Nam', pin: '031088004321', dateOfBirth: '1988-03-02', sex: 'male', ethnicity: 'Kinh', nationality: 'Việt Nam', residence: 'Thôn Phú Lộc, xã Cẩm Giang, thành phố Hải Phòng' },
    registrationPlace: HOME,
    voluntary: true,
    ceremonyDate: '2025-10-15',
    copies: 1,
  },
  'P.100001': { applicant: APPLICANT, childPin: '031225000111', healthInsurance: BHYT },
  'P.100002': { applicant: APPLICANT, person: { fullName: 'Trần Văn Lộc', pin: '030045000123' }, reason: 'deceased', householdHeadPin: '030045000123' },
  'P.100003': { applicant: APPLICANT, deceasedPin: '030045000123', funeral: FUNERAL },
  'P.000017': {
    applicant: APPLICANT,
    relationToChild: 'mother',
    child: CHILD,
    mother: MOTHER,
    father: FATHER,
    permanentResidence: { address: HOME, householdHeadPin: '031088004321' },
    healthInsurance: BHYT,
  },
  'P.000018': { applicant: APPLICANT, relationToDeceased: 'child', deceased: DECEASED, householdHeadPin: '030045000123', funeral: FUNERAL },
  'P.000019': { applicant: APPLICANT, members: [{ pin: '031190001234', fullName: 'Nguyễn Thị Hoa', healthInsuranceCode: '3012345678' }, { pin: '031088004321', fullName: 'Trần Văn Nam' }], months: 12 },
  'P.000020': { applicant: APPLICANT, certificateNumber: 'DA 123456', parcel: { mapSheet: 12, parcelNumber: 345, unitCode: '10888' }, changes: ['address', 'id_document'], newAddress: 'Thôn Hoàng Đào, xã Cẩm Giang, thành phố Hải Phòng', delivery: 'counter' },
  'P.000021': { applicant: APPLICANT, school: 'Trường THPT Cẩm Giàng', graduationYear: 2026, examSubjects: ['math', 'literature', 'english', 'physics'], admissionWishes: [{ institutionCode: 'BKA', programmeCode: 'IT1' }] },
  'P.000022': { applicant: APPLICANT, socialInsuranceNumber: '3010012345', lastEmployer: 'Công ty TNHH May mặc Cẩm Giàng', contractEndDate: '2025-09-30', reason: 'Hết hạn hợp đồng lao động', payment: { bank: 'Vietcombank', accountNumber: '0451000123456' } },
  'P.000023': { applicant: APPLICANT, premises: HOME, purpose: 'household', phases: 1, capacityKw: 5 },
  'P.000024': { applicant: APPLICANT, customerCode: 'PH01000123456', premises: HOME, previousParty: 'Trần Văn Lộc', reason: 'inheritance', effectiveFrom: '2025-11-15' },
};
