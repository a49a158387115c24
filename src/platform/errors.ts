/**
 * The error catalogue: every error the platform can report, with a stable code, an HTTP status
 * and a message in Vietnamese and English. The HTTP layer turns an {@link AppError} into an
 * RFC 9457 problem+json document; the CLI prints the same message. Codes never change meaning;
 * new errors are added, old ones are never reused (DESIGN.md §4).
 *
 * Message templates take `{name}` placeholders filled from the error's params.
 */

export type Language = 'vi' | 'en';

export interface ErrorDefinition {
  /** HTTP status the problem is served with. */
  status: number;
  vi: string;
  en: string;
}

function def(status: number, vi: string, en: string): ErrorDefinition {
  return { status, vi, en };
}

export const errorCatalogue = {
  // --- generic HTTP -----------------------------------------------------------------------------
  VALIDATION_FAILED: def(400, 'Dữ liệu gửi lên không hợp lệ ({count} lỗi).', 'The request is not valid ({count} errors).'),
  BODY_MALFORMED: def(400, 'Nội dung yêu cầu không đọc được: {reason}', 'The request body cannot be read: {reason}'),
  BODY_TOO_LARGE: def(413, 'Nội dung yêu cầu vượt quá {limit} byte.', 'The request body exceeds {limit} bytes.'),
  MEDIA_TYPE_UNSUPPORTED: def(415, 'Kiểu nội dung "{mediaType}" không được hỗ trợ.', 'Content type "{mediaType}" is not supported.'),
  ROUTE_NOT_FOUND: def(404, 'Không có địa chỉ {method} {path}.', 'There is no route {method} {path}.'),
  METHOD_NOT_ALLOWED: def(405, 'Phương thức {method} không dùng được cho địa chỉ này.', 'Method {method} is not allowed here.'),
  RATE_LIMITED: def(429, 'Quá nhiều yêu cầu; vui lòng thử lại sau {retryAfter} giây.', 'Too many requests; try again in {retryAfter} seconds.'),
  UNAUTHENTICATED: def(401, 'Cần đăng nhập để thực hiện thao tác này.', 'You must sign in to do this.'),
  FORBIDDEN: def(403, 'Bạn không có quyền thực hiện thao tác này.', 'You are not allowed to do this.'),
  SERVICE_UNAVAILABLE: def(503, 'Hệ thống tạm thời không sẵn sàng; vui lòng thử lại sau.', 'The service is temporarily unavailable; try again later.'),
  INTERNAL_ERROR: def(500, 'Đã xảy ra lỗi hệ thống; mã yêu cầu {requestId}.', 'An internal error occurred; request id {requestId}.'),

  // --- field-level validation (items of VALIDATION_FAILED.errors) ---------------------------------
  FIELD_REQUIRED: def(400, 'Trường "{field}" là bắt buộc.', 'Field "{field}" is required.'),
  FIELD_UNKNOWN: def(400, 'Trường "{field}" không được chấp nhận.', 'Field "{field}" is not accepted.'),
  FIELD_TYPE: def(400, 'Trường "{field}" phải có kiểu {expected}.', 'Field "{field}" must be of type {expected}.'),
  FIELD_FORMAT: def(400, 'Trường "{field}" không đúng định dạng {expected}.', 'Field "{field}" does not match the form {expected}.'),
  FIELD_TOO_LONG: def(400, 'Trường "{field}" dài quá {limit} ký tự.', 'Field "{field}" is longer than {limit} characters.'),
  FIELD_TOO_SHORT: def(400, 'Trường "{field}" ngắn hơn {limit} ký tự.', 'Field "{field}" is shorter than {limit} characters.'),
  FIELD_OUT_OF_RANGE: def(400, 'Trường "{field}" phải trong khoảng {expected}.', 'Field "{field}" must be within {expected}.'),
  FIELD_NOT_ALLOWED_VALUE: def(400, 'Trường "{field}" chỉ nhận một trong các giá trị: {expected}.', 'Field "{field}" must be one of: {expected}.'),
  FIELD_INVALID: def(400, 'Trường "{field}" không hợp lệ.', 'Field "{field}" is not valid.'),
  DATE_INVALID: def(400, 'Ngày "{value}" không tồn tại (định dạng YYYY-MM-DD).', 'Date "{value}" does not exist (form YYYY-MM-DD).'),

  // --- configuration ------------------------------------------------------------------------------
  CONFIG_INVALID: def(500, 'Cấu hình sai: biến {variable} phải là {expected} (đang là "{value}").', 'Bad configuration: {variable} must be {expected} (got "{value}").'),

  // --- administrative units -------------------------------------------------------------------------
  UNIT_NOT_FOUND: def(404, 'Không có đơn vị hành chính mã {code} vào ngày {at}.', 'No administrative unit with code {code} on {at}.'),
  UNIT_SUPERSEDED: def(404, 'Đơn vị hành chính mã {code} không còn hiệu lực vào ngày {at}; đơn vị kế thừa: {successors}.', 'Administrative unit {code} is no longer in force on {at}; its successors: {successors}.'),
  UNIT_IMPORT_FILE_UNREADABLE: def(400, 'Không đọc được tệp {file}: {reason}', 'Cannot read file {file}: {reason}'),
  UNIT_IMPORT_FORMAT_UNKNOWN: def(400, 'Tệp {file} không thuộc định dạng danh mục đơn vị hành chính nào đã biết.', 'File {file} is in no known administrative-unit list format.'),
  UNIT_IMPORT_ROW_INVALID: def(400, 'Tệp {file}, dòng {row}, trường {field}: {reason}', 'File {file}, row {row}, field {field}: {reason}'),
  UNIT_IMPORT_REJECTED: def(400, 'Tệp {file} có {count} dòng lỗi; không nhập dòng nào.', 'File {file} has {count} bad rows; nothing was imported.'),

  // --- personal identification number (Decree 137/2015/NĐ-CP Art. 13; Circular 07/2016/TT-BCA) ----
  PIN_FORMAT: def(400, 'Số định danh cá nhân "{pin}" phải gồm đúng 12 chữ số.', 'Personal identification number "{pin}" must be exactly 12 digits.'),
  PIN_PROVINCE_UNKNOWN: def(400, 'Mã tỉnh nơi đăng ký khai sinh "{code}" (3 chữ số đầu) không có trong danh mục.', 'Province-of-birth-registration code "{code}" (first 3 digits) is not in the code table.'),
  PIN_SEX_MISMATCH: def(400, 'Chữ số thứ 4 ({digit}) của số định danh không khớp với giới tính.', 'Digit 4 ({digit}) of the identification number does not match the sex.'),
  PIN_CENTURY_MISMATCH: def(400, 'Chữ số thứ 4 ({digit}) của số định danh không khớp với thế kỷ của năm sinh {year}.', 'Digit 4 ({digit}) of the identification number does not match the century of birth year {year}.'),
  PIN_BIRTH_YEAR_MISMATCH: def(400, 'Chữ số thứ 5–6 ({digits}) của số định danh không khớp với năm sinh {year}.', 'Digits 5–6 ({digits}) of the identification number do not match birth year {year}.'),

  // --- citizen import files -------------------------------------------------------------------------
  // Whole-file errors stop the file; the others are reported per row and column (src/population/import-file.ts).
  IMPORT_FILE_UNREADABLE: def(400, 'Không đọc được tệp {file}: {reason}', 'Cannot read file {file}: {reason}'),
  IMPORT_FILE_FORMAT_UNSUPPORTED: def(400, 'Tệp {file} không phải CSV hoặc XLSX (tệp Excel .xls cũ cần lưu lại thành .xlsx).', 'File {file} is neither CSV nor XLSX (save an old Excel .xls file as .xlsx).'),
  IMPORT_FILE_ENCODING: def(400, 'Tệp {file} không phải văn bản {encoding} hợp lệ (tại byte {offset}); hãy lưu tệp dạng "CSV UTF-8" hoặc chọn bảng mã Windows-1258.', 'File {file} is not valid {encoding} text (at byte {offset}); save it as "CSV UTF-8" or choose the Windows-1258 encoding.'),
  IMPORT_FILE_EMPTY: def(400, 'Tệp {file} không có dòng tiêu đề.', 'File {file} has no header row.'),
  IMPORT_COLUMN_MISSING: def(400, 'Tệp {file} thiếu cột bắt buộc: {columns}.', 'File {file} lacks required columns: {columns}.'),
  IMPORT_COLUMN_DUPLICATE: def(400, 'Tệp {file} có hai cột cùng là "{column}".', 'File {file} has two columns for "{column}".'),
  IMPORT_COLUMN_UNKNOWN: def(400, 'Cột "{column}" không có trong mẫu nên được bỏ qua.', 'Column "{column}" is not in the template and is ignored.'),
  IMPORT_VALUE_WITHOUT_COLUMN: def(400, 'Ô ở cột {column} có giá trị nhưng cột không có tiêu đề.', 'The cell in column {column} has a value but the column has no header.'),
  IMPORT_VALUE_REQUIRED: def(400, 'Cột "{column}" bắt buộc phải có giá trị.', 'Column "{column}" must have a value.'),
  IMPORT_NUMBER_AS_NUMBER: def(400, 'Ô cột "{column}" là số ({value}) nên Excel có thể đã bỏ các chữ số 0 ở đầu; hãy định dạng cột là Văn bản (Text) rồi nhập lại.', 'The "{column}" cell is a number ({value}), so Excel may have dropped leading zeros; format the column as Text and enter it again.'),
  IMPORT_TEXT_TOO_LONG: def(400, 'Cột "{column}" dài quá {limit} ký tự.', 'Column "{column}" is longer than {limit} characters.'),
  IMPORT_NAME_LENGTH: def(400, 'Họ và tên phải có từ {min} đến {max} ký tự.', 'The full name must have {min} to {max} characters.'),
  IMPORT_NAME_CHARACTERS: def(400, 'Họ và tên chỉ gồm chữ cái, dấu cách và dấu nháy đơn giữa hai chữ (như H\'Hen).', 'The full name may hold only letters, spaces and an apostrophe between letters (as in H\'Hen).'),
  IMPORT_DATE_INVALID: def(400, 'Ngày "{value}" ở cột "{column}" không tồn tại hoặc sai dạng (YYYY-MM-DD hoặc dd/mm/yyyy; ngày sinh còn nhận YYYY-MM, mm/yyyy, YYYY).', 'Date "{value}" in column "{column}" does not exist or has the wrong form (YYYY-MM-DD or dd/mm/yyyy; a date of birth may also be YYYY-MM, mm/yyyy or YYYY).'),
  IMPORT_DATE_IN_FUTURE: def(400, 'Ngày "{value}" ở cột "{column}" sau ngày tham chiếu {reference}.', 'Date "{value}" in column "{column}" is after the reference date {reference}.'),
  IMPORT_SEX_INVALID: def(400, 'Giới tính "{value}" không hợp lệ; ghi Nam hoặc Nữ.', 'Sex "{value}" is not valid; write Nam (male) or Nữ (female).'),
  IMPORT_UNIT_CODE_FORMAT: def(400, 'Mã đơn vị hành chính "{value}" ở cột "{column}" phải gồm 2, 3 hoặc 5 chữ số.', 'Administrative-unit code "{value}" in column "{column}" must be 2, 3 or 5 digits.'),
  IMPORT_PLACE_CODE_MISSING: def(400, 'Cột "{column}" phải có mã đơn vị hành chính khi đã ghi địa chỉ hoặc ngày của nơi đó.', 'Column "{column}" needs an administrative-unit code when the place has an address or a date.'),
  IMPORT_PHONE_FORMAT: def(400, 'Số điện thoại "{value}" không phải số di động Việt Nam (0 và 9 chữ số, hoặc +84…).', 'Phone number "{value}" is not a Vietnamese mobile number (0 and 9 digits, or +84…).'),
  IMPORT_EMAIL_FORMAT: def(400, 'Thư điện tử "{value}" không đúng dạng ten@mien.vn.', 'Email "{value}" is not of the form name@domain.vn.'),
  IMPORT_CARD_NUMBER_FORMAT: def(400, 'Số thẻ "{value}" phải gồm 12 chữ số (căn cước) hoặc 9 chữ số (chứng minh nhân dân cũ).', 'Card number "{value}" must be 12 digits (identity card) or 9 digits (old ID card).'),
  IMPORT_CARD_NUMBER_MISSING: def(400, 'Cột "{column}" phải có số thẻ khi đã ghi ngày cấp hoặc ngày hết hạn.', 'Column "{column}" needs the card number when an issue or expiry date is given.'),
  IMPORT_RELATION_UNKNOWN: def(400, 'Quan hệ với chủ hộ "{value}" không có trong danh mục: {expected}.', 'Relation to the head of household "{value}" is not one of: {expected}.'),
  IMPORT_HOUSEHOLD_INCOMPLETE: def(400, 'Cột "{column}" phải có giá trị: số hộ, số định danh chủ hộ và quan hệ với chủ hộ phải ghi cùng nhau.', 'Column "{column}" must have a value: household number, head\'s identification number and relation go together.'),
  IMPORT_OUT_OF_SCOPE: def(403, 'Người này cư trú ngoài đơn vị bạn quản lý nên dòng này không được nhập.', 'This person lives outside your unit, so the row is not imported.'),
  IMPORT_IDENTITY_CONFLICT: def(409, 'Dòng này đổi {fields} của người đã có trong cơ sở dữ liệu; không nhập — hãy kiểm tra và sửa trên hồ sơ.', 'This row changes the {fields} of a person already registered; not imported — check and correct the record itself.'),
  IMPORT_PIN_REPEATED: def(400, 'Số định danh {pin} xuất hiện hai lần trong cùng tệp; chỉ nhập lần đầu.', 'Identification number {pin} appears twice in the file; only the first is imported.'),
  IMPORT_NOT_FOUND: def(404, 'Không có lượt nhập số {id}.', 'There is no import {id}.'),
  IMPORT_HOUSEHOLD_HEAD_MISMATCH: def(400, 'Số định danh chủ hộ phải trùng số định danh của chính người có quan hệ "Chủ hộ", và chỉ của người đó.', 'The head\'s identification number must equal the person\'s own number exactly when the relation is "Chủ hộ" (head).'),

  // --- population registry -----------------------------------------------------------------------------
  CITIZEN_NOT_FOUND: def(404, 'Không tìm thấy công dân trong phạm vi quản lý của bạn.', 'No such citizen within your unit.'),
  CITIZEN_EXISTS: def(409, 'Số định danh {pin} đã có trong cơ sở dữ liệu.', 'Identification number {pin} is already registered.'),
  CITIZEN_CHANGED_CONCURRENTLY: def(409, 'Hồ sơ công dân {pin} vừa được người khác sửa; hãy tải lại rồi thử lại.', 'Citizen record {pin} was just changed by someone else; reload and try again.'),
  CITIZEN_OUT_OF_SCOPE: def(403, 'Nơi cư trú của công dân nằm ngoài đơn vị bạn quản lý (hoặc chưa được ghi).', "The citizen's residence lies outside your unit (or is not given)."),
  DUPLICATE_NOT_FOUND: def(404, 'Không có hồ sơ nghi trùng số {id}.', 'There is no duplicate candidate {id}.'),
  DUPLICATE_DECIDED: def(409, 'Hồ sơ nghi trùng số {id} đã được xử lý.', 'Duplicate candidate {id} has already been decided.'),
  CITIZEN_UNIT_UNKNOWN: def(400, 'Không có đơn vị hành chính mã {code} vào ngày {at}.', 'There is no administrative unit {code} on {at}.'),
  PURPOSE_REQUIRED: def(400, 'Cần nêu mục đích khai thác thông tin (tiêu đề X-Purpose).', 'State the purpose of this lookup (header X-Purpose).'),
  PURPOSE_UNKNOWN: def(400, 'Mục đích "{purpose}" không có trong danh mục.', 'Purpose "{purpose}" is not in the catalogue.'),

  // --- staff accounts ---------------------------------------------------------------------------------
  STAFF_CREDENTIALS_INVALID: def(401, 'Tên đăng nhập hoặc mật khẩu không đúng.', 'The username or password is wrong.'),
  STAFF_USERNAME_INVALID: def(400, 'Tên đăng nhập "{username}" phải dài 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.', 'Username "{username}" must be 3–64 characters: lower-case letters, digits, dot, hyphen, underscore.'),
  STAFF_USERNAME_TAKEN: def(409, 'Tên đăng nhập "{username}" đã có người dùng.', 'Username "{username}" is taken.'),
  STAFF_ROLE_UNKNOWN: def(400, 'Vai trò "{role}" không có; các vai trò: {roles}.', 'Role "{role}" does not exist; roles: {roles}.'),
  STAFF_PASSWORD_WEAK: def(400, 'Mật khẩu không đạt yêu cầu ({reason}): tối thiểu 8 ký tự và không phải mật khẩu phổ biến.', 'The password is not acceptable ({reason}): at least 8 characters and not a common password.'),
  STAFF_UNIT_UNKNOWN: def(400, 'Không có đơn vị hành chính mã {code}.', 'There is no administrative unit {code}.'),
  STAFF_UNIT_LEVEL: def(400, 'Vai trò {role} phải gắn với đơn vị cấp {level}.', 'Role {role} must be tied to a unit of level {level}.'),
  STAFF_NOT_FOUND: def(404, 'Không có tài khoản "{username}".', 'There is no account "{username}".'),
  STAFF_UNIT_REQUIRED: def(400, 'Vai trò {role} phải gắn với một đơn vị hành chính.', 'Role {role} must be tied to an administrative unit.'),

  // --- working-day calendar -------------------------------------------------------------------------
  CALENDAR_FILE_INVALID: def(400, 'Tệp lịch nghỉ không đọc được: {reason}', 'The day-off schedule cannot be read: {reason}'),
  CALENDAR_KIND_MISMATCH: def(400, 'Ngày {date}: ngày nghỉ phải là ngày trong tuần, ngày làm bù phải là thứ Bảy hoặc Chủ nhật.', 'Date {date}: a day off must be a weekday and a make-up working day a Saturday or Sunday.'),
  CALENDAR_RANGE_TOO_LONG: def(400, 'Khoảng ngày dài quá {max} ngày.', 'The date range is longer than {max} days.'),

  // --- audit ----------------------------------------------------------------------------------------
  AUDIT_CHAIN_BROKEN: def(500, 'Nhật ký truy cập bị sửa hoặc xóa tại mục {seq}.', 'The audit log was altered or truncated at entry {seq}.'),
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalogue;

export type ErrorParams = Record<string, string | number | boolean | null | undefined>;

/** One failing field in a {@link AppError} of code VALIDATION_FAILED or an import report. */
export interface FieldError {
  /** JSON-pointer-like path of the field: `query.pageSize`, `body.phone`, `row 12 · Mã số`. */
  field: string;
  code: ErrorCode;
  params?: ErrorParams;
}

/** Fill `{name}` placeholders from params; unknown placeholders stay visible. */
export function formatMessage(template: string, params: ErrorParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (params[k] == null ? m : String(params[k])));
}

/** The message of a catalogue code in one language. */
export function messageOf(code: ErrorCode, lang: Language, params: ErrorParams = {}): string {
  return formatMessage(errorCatalogue[code][lang], params);
}

/**
 * The one error class of the platform. Throw it anywhere; the HTTP layer serves it as
 * problem+json with the catalogue's status, the CLI prints its message and exits non-zero.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly status: number;
  readonly fieldErrors: FieldError[];
  /** Extra members of the problem document (RFC 9457 §3.2), e.g. `successors`. */
  readonly extensions: Record<string, unknown>;
  /** The catalogue entry whose message explains this case better than the code's own (same code on the wire). */
  readonly messageCode: ErrorCode;

  constructor(
    code: ErrorCode,
    params: ErrorParams = {},
    options: { fieldErrors?: FieldError[]; extensions?: Record<string, unknown>; cause?: unknown; messageCode?: ErrorCode } = {},
  ) {
    super(messageOf(options.messageCode ?? code, 'en', params), options.cause === undefined ? undefined : { cause: options.cause });
    this.messageCode = options.messageCode ?? code;
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.status = errorCatalogue[code].status;
    this.fieldErrors = options.fieldErrors ?? [];
    this.extensions = options.extensions ?? {};
  }

  localized(lang: Language): string {
    return messageOf(this.messageCode, lang, this.params);
  }
}

/** Shorthand for a validation failure made of field errors. */
export function validationError(fieldErrors: FieldError[]): AppError {
  return new AppError('VALIDATION_FAILED', { count: fieldErrors.length }, { fieldErrors });
}
