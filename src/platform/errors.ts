/**
 * The error catalogue: every error the platform can report, with a stable code, an HTTP status
 * and a message in Vietnamese and English. The HTTP layer turns an {@link AppError} into an
 * RFC 9457 problem+json document; the CLI prints the same message. Codes never change meaning;
 * new errors are added, old ones are never reused (DESIGN.md §4).
 *
 * Message templates take `{name}` placeholders filled from the error's params, and
 * `{name|one|other}` plural choices (see {@link formatMessage}).
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
  VALIDATION_FAILED: def(400, 'Dữ liệu gửi lên không hợp lệ ({count} lỗi).', 'The request is not valid ({count} {count|error|errors}).'),
  BODY_MALFORMED: def(400, 'Nội dung yêu cầu không đọc được: {reason}', 'The request body cannot be read: {reason}'),
  BODY_TOO_DEEP: def(400, 'Nội dung JSON lồng nhau sâu quá {limit} cấp.', 'The JSON body is nested more than {limit} levels deep.'),
  BODY_TOO_LARGE: def(413, 'Nội dung yêu cầu vượt quá {limit} byte.', 'The request body exceeds {limit} bytes.'),
  HEADERS_TOO_LARGE: def(431, 'Phần tiêu đề hoặc địa chỉ (URL) của yêu cầu quá dài.', 'The request headers or URL are too long.'),
  URL_MALFORMED: def(400, 'Địa chỉ (URL) của yêu cầu không hợp lệ (mã hóa phần trăm sai hoặc không phải UTF-8).', 'The request URL is not valid (bad percent-encoding or not UTF-8).'),
  MEDIA_TYPE_UNSUPPORTED: def(415, 'Kiểu nội dung "{mediaType}" không được hỗ trợ.', 'Content type "{mediaType}" is not supported.'),
  ROUTE_NOT_FOUND: def(404, 'Không có địa chỉ {method} {path}.', 'There is no route {method} {path}.'),
  METHOD_NOT_ALLOWED: def(405, 'Phương thức {method} không dùng được cho địa chỉ này.', 'Method {method} is not allowed here.'),
  RATE_LIMITED: def(429, 'Quá nhiều yêu cầu; vui lòng thử lại sau {wait}.', 'Too many requests; try again in {wait}.'),
  UNAUTHENTICATED: def(401, 'Cần đăng nhập để thực hiện thao tác này.', 'You must sign in to do this.'),
  FORBIDDEN: def(403, 'Bạn không có quyền thực hiện thao tác này.', 'You are not allowed to do this.'),
  CROSS_SITE_REQUEST: def(403, 'Yêu cầu thay đổi dữ liệu gửi từ một trang web khác ({site}) bị từ chối.', 'A state-changing request sent from another website ({site}) was refused.'),
  SERVICE_UNAVAILABLE: def(503, 'Hệ thống tạm thời không sẵn sàng; vui lòng thử lại sau.', 'The service is temporarily unavailable; try again later.'),
  // The store of the attempt counters (Redis) cannot be reached: guessable operations are refused
  // (fail closed) rather than tried without a limit (src/platform/throttle.ts).
  RATE_LIMIT_UNAVAILABLE: def(503, 'Tạm thời không kiểm soát được số lần thử nên thao tác này bị từ chối; vui lòng thử lại sau {retryAfter} giây.', 'Attempts cannot be counted right now, so this operation is refused; try again in {retryAfter} seconds.'),
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
  FIELD_CONTROL_CHARACTER: def(400, 'Trường "{field}" chứa ký tự điều khiển hoặc ký tự đổi chiều văn bản ({codePoint}): không được phép.', 'Field "{field}" contains a control or text-direction character ({codePoint}), which is not allowed.'),
  DATE_INVALID: def(400, 'Ngày "{value}" không tồn tại (định dạng YYYY-MM-DD).', 'Date "{value}" does not exist (form YYYY-MM-DD).'),
  DATE_IN_FUTURE: def(400, 'Ngày "{value}" ở sau hôm nay ({today}).', 'Date "{value}" is after today ({today}).'),

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
  PIN_BIRTH_YEAR_FUTURE: def(400, 'Chữ số thứ 4–6 ({digits}) của số định danh cho năm sinh {year}, sau năm hiện tại.', 'Digits 4–6 ({digits}) of the identification number give birth year {year}, after the current year.'),

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
  IMPORT_LEADING_ZERO_LOST: def(400, 'Ô cột "{column}" có {digits} chữ số ({value}) thay vì {expected}: các chữ số 0 ở đầu có lẽ đã mất khi tệp được lưu từ Excel. Hãy định dạng cột là Văn bản (Text), nhập đủ {expected} chữ số rồi lưu lại tệp; hệ thống không tự thêm số 0.', 'The "{column}" cell has {digits} digits ({value}) instead of {expected}: its leading zeros were probably lost when the file was saved from Excel. Format the column as Text, enter all {expected} digits and save the file again; zeros are never added for you.'),
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
  IMPORT_INTERRUPTED: def(503, 'Lượt nhập bị dừng giữa chừng (máy chủ hoặc lệnh nhập đã tắt); các dòng đã lưu được giữ. Tải lên lại đúng tệp đó để nhập tiếp từ chỗ dừng.', 'The import stopped half-way (its server or command was stopped); the rows saved are kept. Upload the same file again to go on from where it stopped.'),
  IMPORT_HOUSEHOLD_HEAD_MISMATCH: def(400, 'Số định danh chủ hộ phải trùng số định danh của chính người có quan hệ "Chủ hộ", và chỉ của người đó.', 'The head\'s identification number must equal the person\'s own number exactly when the relation is "Chủ hộ" (head).'),

  // --- population registry -----------------------------------------------------------------------------
  SEARCH_TERMS_EMPTY: def(400, 'Từ khóa "{q}" không có chữ cái hay chữ số nào để tìm; hãy nhập họ tên.', 'The search "{q}" has no letter or digit to look for; type a name.'),
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
  STAFF_OTP_REQUIRED: def(401, 'Cần nhập mã xác thực 6 chữ số từ ứng dụng xác thực trên điện thoại.', 'Enter the 6-digit code from the authenticator app on your phone.'),
  STAFF_OTP_INVALID: def(401, 'Mã xác thực không đúng hoặc đã được dùng; hãy nhập mã mới trong ứng dụng.', 'The authenticator code is wrong or already used; enter the new code from the app.'),
  STAFF_TOTP_ENROLMENT_REQUIRED: def(401, 'Tài khoản cần thiết lập xác thực hai lớp (ứng dụng xác thực) trước khi đăng nhập.', 'The account must set up two-factor authentication (an authenticator app) before signing in.'),
  STAFF_TOTP_ENROLMENT_EXPIRED: def(401, 'Phiên thiết lập xác thực hai lớp đã hết hạn hoặc đã dùng; hãy đăng nhập lại để bắt đầu lại.', 'The two-factor setup has expired or was already used; sign in again to start over.'),

  // --- working-day calendar -------------------------------------------------------------------------
  CALENDAR_FILE_INVALID: def(400, 'Tệp lịch nghỉ không đọc được: {reason}', 'The day-off schedule cannot be read: {reason}'),
  CALENDAR_KIND_MISMATCH: def(400, 'Ngày {date}: ngày nghỉ phải là ngày trong tuần, ngày làm bù phải là thứ Bảy hoặc Chủ nhật.', 'Date {date}: a day off must be a weekday and a make-up working day a Saturday or Sunday.'),
  CALENDAR_RANGE_TOO_LONG: def(400, 'Khoảng ngày dài quá {max} ngày.', 'The date range is longer than {max} days.'),
  CALENDAR_RANGE_REVERSED: def(400, 'Ngày bắt đầu {from} sau ngày kết thúc {to}.', 'The start date {from} is after the end date {to}.'),
  CALENDAR_YEAR_UNSUPPORTED: def(400, 'Ngày {date} nằm ngoài phạm vi lịch ngày làm việc (các năm {min}–{max}).', 'Date {date} is outside the working-day calendar (years {min}–{max}).'),

  // --- services (catalog) --------------------------------------------------------------------------
  SERVICE_NOT_FOUND: def(404, 'Không có thủ tục mã {code} trong danh mục.', 'There is no procedure {code} in the catalog.'),
  SERVICE_VERSION_NOT_FOUND: def(404, 'Thủ tục {code} không có phiên bản {version}.', 'Procedure {code} has no version {version}.'),
  SERVICE_VERSION_CONFLICT: def(409, 'Thủ tục {code} vừa được sửa (phiên bản hiện tại {current}, bạn sửa từ phiên bản {base}); hãy tải lại rồi thử lại.', 'Procedure {code} was just changed (current version {current}, you edited version {base}); reload and try again.'),
  SERVICE_CODE_FORMAT: def(400, 'Mã thủ tục "{code}" phải có dạng 1.004222 (mã trên Cổng Dịch vụ công quốc gia) hoặc P.000014 (mã tạm).', 'Procedure code "{code}" must look like 1.004222 (national portal code) or P.000014 (provisional code).'),
  SERVICE_CODE_MISMATCH: def(400, 'Mã thủ tục trong nội dung ({body}) khác mã trên địa chỉ ({path}).', 'The procedure code in the body ({body}) differs from the one in the path ({path}).'),
  SERVICE_FORM_SCHEMA_INVALID: def(400, 'Trường "{field}": biểu mẫu không phải JSON Schema hợp lệ: {reason}', 'Field "{field}": the form is not a valid JSON Schema: {reason}'),
  SERVICE_PREFILL_INVALID: def(400, 'Trường "{field}": {reason}', 'Field "{field}": {reason}'),
  SERVICE_MEMBER_INVALID: def(400, 'Trường "{field}": {reason}', 'Field "{field}": {reason}'),
  SERVICE_ESSENTIAL_NO_TAKEN: def(409, 'Số thứ tự {essentialNo} trong danh mục dịch vụ công thiết yếu đã thuộc thủ tục {other}.', 'Number {essentialNo} of the essential-services list already belongs to procedure {other}.'),
  SERVICE_UNIT_UNKNOWN: def(404, 'Không có đơn vị hành chính mã {code}.', 'There is no administrative unit {code}.'),
  SERVICE_UNIT_OUT_OF_SCOPE: def(403, 'Đơn vị {code} nằm ngoài đơn vị bạn quản lý.', 'Unit {code} lies outside your unit.'),
  SERVICE_NOT_DEPLOYED: def(409, 'Thủ tục {code} không đang triển khai tại đơn vị {unitCode} vào ngày {date}.', 'Procedure {code} is not deployed at unit {unitCode} on {date}.'),
  SERVICE_DEPLOYMENT_OVERLAP: def(409, 'Thủ tục {code} đã triển khai tại đơn vị {unitCode} từ {from} đến trước {until}; ngày {date} không mở được giai đoạn mới.', 'Procedure {code} was deployed at unit {unitCode} from {from} until before {until}; a new period cannot start on {date}.'),

  // --- audit ----------------------------------------------------------------------------------------
  AUDIT_CHAIN_BROKEN: def(500, 'Nhật ký truy cập bị sửa hoặc xóa tại mục {seq}.', 'The audit log was altered or truncated at entry {seq}.'),

  // --- backups (src/platform/db/backup.ts) ---------------------------------------------------------
  BACKUP_FAILED: def(500, 'Không sao lưu được cơ sở dữ liệu: {reason}', 'The database could not be backed up: {reason}'),
  RESTORE_FILE_INVALID: def(400, 'Tệp {file} không phải bản sao lưu dùng được: {reason}', 'File {file} is not a usable backup: {reason}'),
  RESTORE_FAILED: def(500, 'Không khôi phục được cơ sở dữ liệu (dữ liệu cũ giữ nguyên): {reason}', 'The database could not be restored (the old data is unchanged): {reason}'),
  RESTORE_NOT_CONFIRMED: def(400, 'Khôi phục sẽ thay toàn bộ dữ liệu hiện có; chạy lại với --yes để xác nhận.', 'A restore replaces all current data; run again with --yes to confirm.'),

  // --- data key rotation (src/platform/keys.ts) ------------------------------------------------------
  KEYS_SEALED_UNKNOWN_KEY: def(500, 'Giá trị mã hóa ở bảng {table}, cột {column}, dòng {id} được niêm phong bằng khóa {keyId}, không phải MOTCUA_DATA_KEY hay MOTCUA_DATA_KEY_PREVIOUS; không đổi khóa giá trị nào.', 'The sealed value in table {table}, column {column}, row {id} was sealed with key {keyId}, neither MOTCUA_DATA_KEY nor MOTCUA_DATA_KEY_PREVIOUS; no value was re-keyed.'),
  KEYS_SEALED_UNREADABLE: def(500, 'Không mở được giá trị mã hóa ở bảng {table}, cột {column}, dòng {id} (bị sửa hoặc sai ngữ cảnh); không đổi khóa giá trị nào.', 'The sealed value in table {table}, column {column}, row {id} cannot be opened (altered, or bound to another context); no value was re-keyed.'),

  // --- jobs/outbox (src/platform/jobs) ---------------------------------------------------------------
  OUTBOX_PHONE_INVALID: def(400, 'Không gửi được tin nhắn SMS tới "{to}": cần số di động Việt Nam (0 và 9 chữ số, hoặc +84…).', 'Cannot send an SMS to "{to}": a Vietnamese mobile number is needed (0 and 9 digits, or +84…).'),
  OUTBOX_EMAIL_INVALID: def(400, 'Không gửi được thư điện tử tới "{to}": địa chỉ không hợp lệ.', 'Cannot send an e-mail to "{to}": the address is not valid.'),
  OUTBOX_MESSAGE_INVALID: def(500, 'Tin nhắn loại "{kind}" không hợp lệ ở trường {field} ({limit}).', 'Message of kind "{kind}" is not valid in field {field} ({limit}).'),
  JOB_INVALID: def(500, 'Việc nền loại "{kind}" không hợp lệ ở trường {field} ({limit}).', 'Background job of kind "{kind}" is not valid in field {field} ({limit}).'),

  // --- desk (src/desk: support teams, duty rosters, help log, sites and equipment, campaigns) -------
  DESK_UNIT_UNKNOWN: def(400, 'Không có đơn vị hành chính mã {code} vào ngày {at}.', 'There is no administrative unit {code} on {at}.'),
  DESK_OUT_OF_SCOPE: def(403, 'Đơn vị {code} nằm ngoài đơn vị bạn quản lý.', 'Unit {code} lies outside your unit.'),
  DESK_TEAM_NOT_FOUND: def(404, 'Không có tổ hỗ trợ số {id} trong phạm vi quản lý của bạn.', 'There is no support team {id} within your unit.'),
  DESK_MEMBER_NOT_FOUND: def(404, 'Không có thành viên số {id} trong phạm vi quản lý của bạn.', 'There is no team member {id} within your unit.'),
  DESK_MEMBER_EXISTS: def(409, 'Tài khoản "{username}" đã là thành viên của tổ này.', 'Account "{username}" is already a member of this team.'),
  DESK_MEMBER_INACTIVE: def(409, 'Thành viên số {id} không còn trong tổ vào ngày {date} (thôi từ {leftOn}).', 'Member {id} is no longer in the team on {date} (left on {leftOn}).'),
  DESK_MEMBER_OUTSIDE_UNIT: def(409, 'Thành viên số {id} thuộc tổ của đơn vị khác, không trực được ở quầy này.', 'Member {id} belongs to another unit\'s team and cannot be on duty at this desk.'),
  DESK_MEMBER_STAFF_UNKNOWN: def(422, 'Không có tài khoản cán bộ "{username}".', 'There is no staff account "{username}".'),
  DESK_MEMBER_STAFF_DISABLED: def(422, 'Tài khoản cán bộ "{username}" đã bị khóa, không thêm vào tổ được.', 'Staff account "{username}" is disabled and cannot join a team.'),
  DESK_MEMBER_STAFF_OTHER_UNIT: def(422, 'Tài khoản "{username}" thuộc đơn vị {unit}, không nằm trong đơn vị {teamUnit} của tổ.', 'Account "{username}" belongs to unit {unit}, which is not within the team\'s unit {teamUnit}.'),
  DESK_SITE_NOT_FOUND: def(404, 'Không có điểm hỗ trợ số {id} trong phạm vi quản lý của bạn.', 'There is no site {id} within your unit.'),
  DESK_DESK_NOT_FOUND: def(404, 'Không có quầy số {id} trong phạm vi quản lý của bạn.', 'There is no desk {id} within your unit.'),
  DESK_SHIFT_NOT_FOUND: def(404, 'Không có ca trực số {id} trong phạm vi quản lý của bạn.', 'There is no shift {id} within your unit.'),
  DESK_SHIFT_EXISTS: def(409, 'Quầy số {deskId} đã có ca {period} ngày {date}.', 'Desk {deskId} already has a {period} shift on {date}.'),
  DESK_ASSIGNMENT_EXISTS: def(409, 'Thành viên số {memberId} đã được phân công vào ca số {shiftId}.', 'Member {memberId} is already assigned to shift {shiftId}.'),
  DESK_WEEK_START: def(400, 'Tuần trực phải bắt đầu vào thứ Hai; ngày {date} không phải thứ Hai.', 'A roster week starts on a Monday; {date} is not a Monday.'),
  DESK_SHIFT_TIMES: def(400, 'Giờ ca trực không hợp lệ: ca sáng {morning}, ca chiều {afternoon} (giờ bắt đầu phải trước giờ kết thúc, ca sáng trước ca chiều).', 'Shift times are not valid: morning {morning}, afternoon {afternoon} (each must start before it ends, the morning before the afternoon).'),
  DESK_DEVICE_NOT_FOUND: def(404, 'Không có thiết bị số {id} trong phạm vi quản lý của bạn.', 'There is no device {id} within your unit.'),
  DESK_DEVICE_OTHER_SITE: def(409, 'Thiết bị số {deviceId} thuộc điểm khác, không dùng cho quầy hoặc đợt này.', 'Device {deviceId} belongs to another site and cannot be used for this desk or campaign.'),
  DESK_CONSENT_REQUIRED: def(400, 'Chỉ ghi số định danh cá nhân của công dân khi công dân đồng ý (consent = true).', "The citizen's identification number is recorded only with the citizen's consent (consent = true)."),
  DESK_HELP_NOT_FOUND: def(404, 'Không có lượt hỗ trợ số {id} trong phạm vi quản lý của bạn.', 'There is no help entry {id} within your unit.'),
  DESK_HELP_VOIDED: def(409, 'Lượt hỗ trợ số {id} đã bị hủy.', 'Help entry {id} has already been voided.'),
  DESK_HELP_IN_FUTURE: def(400, 'Thời điểm hỗ trợ {at} ở tương lai.', 'The time of help {at} is in the future.'),
  DESK_HELP_NO_CITIZEN: def(404, 'Lượt hỗ trợ số {id} không ghi số định danh của công dân.', 'Help entry {id} records no citizen identification number.'),
  DESK_CAMPAIGN_NOT_FOUND: def(404, 'Không có đợt thu nhận số {id} trong phạm vi quản lý của bạn.', 'There is no collection campaign {id} within your unit.'),
  DESK_FEED_NOT_FOUND: def(404, 'Không có lịch trực với đường dẫn này (có thể đường dẫn đã được cấp lại).', 'There is no roster feed at this address (it may have been replaced).'),
  DESK_UNIT_REQUIRED: def(400, 'Cần chọn đơn vị hành chính (tham số unit) vì tài khoản của bạn không gắn với đơn vị nào.', 'Choose an administrative unit (parameter unit): your account is tied to none.'),
  DESK_IMPORT_VALUE_UNKNOWN: def(400, 'Giá trị "{value}" ở cột "{column}" không có trong danh mục: {expected}.', 'Value "{value}" in column "{column}" is not one of: {expected}.'),
  DESK_IMPORT_REFERENCE_UNKNOWN: def(400, 'Không tìm thấy "{value}" (cột "{column}") trong đơn vị đang nhập.', '"{value}" (column "{column}") is not found in the unit being imported.'),
  DESK_IMPORT_REFERENCE_AMBIGUOUS: def(400, 'Có nhiều mục cùng tên "{value}" (cột "{column}"); hãy ghi thêm số điện thoại hoặc tên điểm để phân biệt.', 'Several entries are named "{value}" (column "{column}"); add the phone number or the site name to tell them apart.'),
  DESK_IMPORT_TIME_INVALID: def(400, 'Thời điểm "{value}" ở cột "{column}" sai dạng (YYYY-MM-DD HH:MM hoặc dd/mm/yyyy HH:MM, giờ Việt Nam).', 'Time "{value}" in column "{column}" has the wrong form (YYYY-MM-DD HH:MM or dd/mm/yyyy HH:MM, Vietnam time).'),

  // --- dossiers (src/dossiers: intake, the one-stop workflow of Decree 118/2025/NĐ-CP, forms 01–07) ---
  DOSSIER_NOT_FOUND: def(404, 'Không có hồ sơ mã {code} trong phạm vi của bạn.', 'There is no dossier {code} within your reach.'),
  DOSSIER_ACTION_NOT_ALLOWED: def(409, 'Không thực hiện được thao tác "{action}" khi hồ sơ đang ở trạng thái "{state}".', 'Action "{action}" is not allowed while the dossier is in state "{state}".'),
  DOSSIER_ACTION_FORBIDDEN: def(403, 'Bạn không được thực hiện thao tác "{action}" trên hồ sơ này.', 'You may not take action "{action}" on this dossier.'),
  DOSSIER_HANDLER_UNKNOWN: def(422, 'Không có tài khoản cán bộ "{handler}".', 'There is no staff account "{handler}".'),
  DOSSIER_HANDLER_DISABLED: def(422, 'Tài khoản cán bộ "{handler}" đã bị khóa, không giao hồ sơ được.', 'Staff account "{handler}" is disabled and cannot be assigned a dossier.'),
  DOSSIER_HANDLER_NOT_PROCESSOR: def(422, 'Cán bộ "{handler}" không có quyền giải quyết hồ sơ.', 'Staff member "{handler}" may not process dossiers.'),
  DOSSIER_HANDLER_OUT_OF_SCOPE: def(422, 'Đơn vị của cán bộ "{handler}" không quản lý hồ sơ {code}.', 'The unit of staff member "{handler}" does not cover dossier {code}.'),
  DOSSIER_CHANGED_CONCURRENTLY: def(409, 'Hồ sơ {code} vừa được người khác xử lý; hãy tải lại rồi thử lại.', 'Dossier {code} was just changed by someone else; reload and try again.'),
  DOSSIER_CHANNEL_NOT_ALLOWED: def(403, 'Bạn không được nộp hồ sơ qua kênh "{channel}".', 'You may not file a dossier through channel "{channel}".'),
  DOSSIER_ASSURANCE_LEVEL: def(403, 'Thủ tục {code} cần tài khoản định danh điện tử mức độ {required}; tài khoản của bạn ở mức độ {level}.', 'Procedure {code} needs an electronic identification account of level {required}; yours is level {level}.'),
  DOSSIER_PREFILL_LOCKED: def(400, 'Trường "{field}" được lấy từ Cơ sở dữ liệu quốc gia về dân cư và không sửa được.', 'Field "{field}" comes from the national population database and cannot be changed.'),
  DOSSIER_CONSENT_REQUIRED: def(400, 'Cần ghi nhận sự đồng ý của công dân trước khi nộp hồ sơ thay.', "The citizen's consent must be recorded before filing for them."),
  DOSSIER_UNIT_REQUIRED: def(400, 'Cần chọn đơn vị tiếp nhận hồ sơ (unitCode).', 'Choose the receiving unit (unitCode).'),
  DOSSIER_UNIT_OUT_OF_SCOPE: def(403, 'Đơn vị {code} nằm ngoài đơn vị bạn quản lý.', 'Unit {code} lies outside your unit.'),
  DOSSIER_AGENCY_NOT_CONFIGURED: def(409, 'Đơn vị {unitCode} chưa được khai báo mã định danh cơ quan tiếp nhận hồ sơ; quản trị viên cần khai báo trước.', 'Unit {unitCode} has no receiving-agency identifier code yet; an administrator must set it first.'),
  DOSSIER_AGENCY_CODE_TAKEN: def(409, 'Mã định danh {agencyCode} đã dùng cho đơn vị {unitCode}.', 'Agency code {agencyCode} is already used by unit {unitCode}.'),
  DOSSIER_APOLOGY_TOO_LATE: def(409, 'Văn bản xin lỗi và hẹn lại (mẫu 04) phải phát hành trước khi hết hạn giải quyết ngày {dueDate}.', 'The apology and new date (form 04) must be issued before the due date {dueDate} passes.'),
  DOSSIER_NEW_DUE_DATE_INVALID: def(400, 'Ngày hẹn mới {newDueDate} phải là ngày làm việc sau ngày hẹn hiện tại {dueDate}.', 'The new due date {newDueDate} must be a working day after the current due date {dueDate}.'),
  DOSSIER_FORM_NOT_AVAILABLE: def(404, 'Hồ sơ {code} không có mẫu {form} (chưa có thao tác lập mẫu này).', 'Dossier {code} has no form {form} (no action issued it).'),
  DOSSIER_RANGE_TOO_LONG: def(400, 'Khoảng ngày dài quá {max} ngày.', 'The date range is longer than {max} days.'),
  IDEMPOTENCY_KEY_INVALID: def(400, 'Tiêu đề Idempotency-Key phải gồm 1–200 ký tự ASCII nhìn thấy được.', 'The Idempotency-Key header must be 1–200 visible ASCII characters.'),
  IDEMPOTENCY_KEY_REUSED: def(422, 'Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khóa mới cho hồ sơ mới.', 'This Idempotency-Key was used for a different request; use a new key for a new dossier.'),
  ATTACHMENT_TYPE_NOT_ALLOWED: def(415, 'Tệp "{file}" không phải PDF, JPEG hoặc PNG (theo nội dung tệp: {detected}).', 'File "{file}" is not a PDF, JPEG or PNG (by its content: {detected}).'),
  ATTACHMENT_TOO_LARGE: def(413, 'Tệp "{file}" vượt quá {limit} byte.', 'File "{file}" exceeds {limit} bytes.'),
  ATTACHMENTS_TOTAL_TOO_LARGE: def(413, 'Tổng dung lượng tệp đính kèm của hồ sơ vượt quá {limit} byte.', "The dossier's attachments exceed {limit} bytes in total."),
  ATTACHMENT_STORAGE_FULL: def(507, 'Không còn chỗ lưu tệp "{file}" trên máy chủ; tệp chưa được lưu. Vui lòng thử lại sau hoặc báo quản trị hệ thống.', 'There is no room left on the server to store file "{file}"; it was not stored. Try again later or tell the system administrator.'),
  ATTACHMENT_MISSING: def(400, 'Yêu cầu không có tệp (multipart/form-data, trường "file").', 'The request carries no file (multipart/form-data, field "file").'),
  ATTACHMENT_NOT_FOUND: def(404, 'Hồ sơ {code} không có tệp đính kèm số {id}.', 'Dossier {code} has no attachment {id}.'),
  DOSSIER_CLOSED: def(409, 'Hồ sơ {code} đã kết thúc ({state}); không thêm được tệp.', 'Dossier {code} is closed ({state}); no file can be added.'),

  // --- e-ID (identity module) ---------------------------------------------------------------------
  // Electronic identification accounts, level 1 and 2 (Decree 69/2024/NĐ-CP); src/identity/eid.
  EID_IDENTITY_MISMATCH: def(422, 'Thông tin khai báo không khớp với Cơ sở dữ liệu quốc gia về dân cư (số định danh, họ tên, ngày sinh, giới tính).', 'The declared data does not match the national population database (number, full name, date of birth, sex).'),
  EID_NOT_VIETNAMESE: def(422, 'Người có quốc tịch {nationality} đăng ký tài khoản định danh điện tử qua cơ quan quản lý xuất nhập cảnh, không qua hệ thống này.', 'A person of nationality {nationality} applies for an e-ID account through the immigration authority, not this system.'),
  EID_CARD_REQUIRED: def(422, 'Công dân chưa có thẻ căn cước/căn cước công dân trong cơ sở dữ liệu nên chưa đăng ký được tài khoản định danh điện tử.', 'The citizen has no identity card on record, so no e-ID account can be applied for yet.'),
  EID_CARD_EXPIRED: def(422, 'Thẻ căn cước của công dân đã hết hạn ngày {expiresOn}; cần cấp đổi thẻ trước.', "The citizen's identity card expired on {expiresOn}; it must be renewed first."),
  EID_CHIP_CARD_REQUIRED: def(422, 'Tài khoản mức độ 2 cần thẻ căn cước gắn chip; công dân đăng ký mức độ 2 cùng lúc với thủ tục cấp thẻ.', 'A level-2 account needs a chip identity card; the citizen applies for level 2 together with the card.'),
  EID_AGE_LEVEL2_UNDER_6: def(422, 'Công dân dưới 6 tuổi chỉ được cấp tài khoản định danh điện tử mức độ 1.', 'A citizen under 6 can hold only a level-1 e-ID account.'),
  EID_GUARDIAN_REQUIRED: def(422, 'Công dân dưới 14 tuổi được cha, mẹ hoặc người giám hộ đăng ký bằng tài khoản mức độ 2 của họ.', "A citizen under 14 is registered by a parent or guardian through the guardian's level-2 account."),
  EID_GUARDIAN_NOT_ALLOWED: def(422, 'Công dân từ đủ 14 tuổi tự đăng ký tài khoản định danh điện tử.', 'A citizen aged 14 or over applies for their own e-ID account.'),
  EID_GUARDIAN_LEVEL2_REQUIRED: def(403, 'Cần đăng nhập bằng tài khoản định danh điện tử mức độ 2 để đăng ký cho người dưới 14 tuổi.', 'Sign in with a level-2 e-ID account to apply for a child under 14.'),
  EID_GUARDIAN_NOT_RELATED: def(422, 'Cơ sở dữ liệu dân cư không ghi bạn là cha hoặc mẹ của người được đăng ký.', 'The population database does not record you as the father or mother of this child.'),
  EID_PERSON_DECEASED: def(422, 'Cơ sở dữ liệu dân cư ghi nhận công dân đã chết.', 'The population database records the citizen as deceased.'),
  EID_NUMBER_CANCELLED: def(422, 'Số định danh cá nhân đã bị hủy trong cơ sở dữ liệu dân cư.', 'The personal identification number has been cancelled in the population database.'),
  EID_ACCOUNT_EXISTS: def(409, 'Công dân đã có tài khoản định danh điện tử mức độ {level}.', 'The citizen already holds a level-{level} e-ID account.'),
  EID_APPLICATION_OPEN: def(409, 'Công dân đã có một đề nghị cấp tài khoản đang chờ xử lý.', 'The citizen already has an application awaiting a decision.'),
  EID_PHONE_INVALID: def(400, 'Số điện thoại "{phone}" không phải số di động Việt Nam (0 và 9 chữ số, hoặc +84…).', 'Phone number "{phone}" is not a Vietnamese mobile number (0 and 9 digits, or +84…).'),
  EID_PHONE_TAKEN: def(409, 'Số điện thoại này đã gắn với tài khoản định danh điện tử của người khác; mỗi số điện thoại chỉ đăng ký một tài khoản.', "This phone number belongs to another person's e-ID account; one phone number holds one account."),
  EID_EMAIL_INVALID: def(400, 'Thư điện tử "{email}" không hợp lệ.', 'Email "{email}" is not valid.'),
  EID_CONSENT_REQUIRED: def(400, 'Cần có sự đồng ý của công dân để thu nhận ảnh chân dung và vân tay.', "The citizen's consent is needed to collect the portrait and fingerprints."),
  EID_IMAGE_ENCODING: def(400, 'Trường "{field}" không phải dữ liệu base64 hợp lệ.', 'Field "{field}" is not valid base64 data.'),
  EID_IMAGE_TOO_LARGE: def(413, 'Tệp ở trường "{field}" lớn hơn {limit} byte.', 'The file in field "{field}" is larger than {limit} bytes.'),
  EID_IMAGE_EMPTY: def(400, 'Trường "{field}" không có dữ liệu ảnh.', 'Field "{field}" holds no image data.'),
  EID_IMAGE_TYPE: def(415, 'Tệp ở trường "{field}" không phải ảnh JPEG hoặc PNG.', 'The file in field "{field}" is neither a JPEG nor a PNG image.'),
  EID_FINGERPRINT_FORMAT: def(415, 'Vân tay ở trường "{field}" không phải bản ghi ISO/IEC 19794-2 (FMR) hoặc 19794-4 (FIR).', 'The fingerprint in field "{field}" is not an ISO/IEC 19794-2 (FMR) or 19794-4 (FIR) record.'),
  EID_FINGERPRINT_DUPLICATE: def(400, 'Ngón tay vị trí {position} được gửi hai lần.', 'Finger position {position} is given twice.'),
  EID_FACE_NOT_MATCHED: def(422, 'Ảnh khuôn mặt không khớp với ảnh chân dung của công dân.', "The face image does not match the citizen's portrait."),
  EID_BIOMETRICS_NOT_MATCHED: def(422, 'Ảnh chân dung hoặc vân tay không khớp với dữ liệu căn cước của công dân.', "The portrait or fingerprints do not match the citizen's identity data."),
  EID_COLLECTION_POINT_INVALID: def(400, 'Điểm thu nhận phải là một xã/phường/thị trấn có hiệu lực: mã {code} ngày {at}.', 'The collection point must be a commune in force: code {code} on {at}.'),
  EID_COLLECTION_POINT_OUT_OF_SCOPE: def(403, 'Điểm thu nhận {code} nằm ngoài đơn vị bạn quản lý.', 'Collection point {code} lies outside your unit.'),
  EID_CAMPAIGN_NOT_FOUND: def(422, 'Không có đợt thu nhận số {id}.', 'There is no collection campaign {id}.'),
  EID_CAMPAIGN_OTHER_UNIT: def(422, 'Đợt thu nhận số {id} được tổ chức ở xã/phường {code}, không phải điểm thu nhận đã chọn.', 'Collection campaign {id} is held in commune {code}, not at the chosen collection point.'),
  EID_CAMPAIGN_CANCELLED: def(409, 'Đợt thu nhận số {id} (ngày {day}) đã bị hủy.', 'Collection campaign {id} (on {day}) was cancelled.'),
  EID_APPLICATION_NOT_FOUND: def(404, 'Không có đề nghị cấp tài khoản số {id} trong phạm vi quản lý của bạn.', 'There is no e-ID application {id} within your unit.'),
  EID_FACE_IMAGE_NOT_FOUND: def(404, 'Đề nghị số {id} không có ảnh khuôn mặt hoặc ảnh chân dung được lưu.', 'Application {id} has no stored face image or portrait.'),
  EID_APPLICATION_STEP_INVALID: def(409, 'Đề nghị số {id} đang ở trạng thái "{from}", không chuyển sang "{to}" được.', 'Application {id} is "{from}" and cannot move to "{to}".'),
  EID_CODE_INVALID: def(400, 'Mã xác thực không đúng.', 'The one-time code is wrong.'),
  EID_CODE_EXPIRED: def(400, 'Mã xác thực đã hết hạn hoặc đã có mã mới hơn được gửi; hãy dùng mã mới nhất hoặc yêu cầu mã mới.', 'The one-time code has expired or a newer one was sent; use the latest code or ask for a new one.'),
  EID_CODE_USED: def(409, 'Mã xác thực đã được dùng.', 'The one-time code has already been used.'),
  EID_CODE_ATTEMPTS_EXCEEDED: def(400, 'Đã nhập sai mã quá {max} lần; hãy yêu cầu mã mới.', 'The code was entered wrongly more than {max} times; ask for a new one.'),
  EID_PASSWORD_WEAK: def(400, 'Mật khẩu không đạt yêu cầu ({reason}): tối thiểu 8 ký tự và không phải mật khẩu phổ biến.', 'The password is not acceptable ({reason}): at least 8 characters and not a common password.'),
  EID_PASSWORD_REQUIRED: def(400, 'Cần đặt mật khẩu và mã bảo vệ (passcode) khi kích hoạt tài khoản lần đầu.', 'Set a password and a passcode when activating an account for the first time.'),
  EID_PASSCODE_WEAK: def(400, 'Mã bảo vệ (passcode) phải gồm 6 chữ số, không được là dãy số lặp lại hoặc liên tiếp.', 'The passcode must be 6 digits, not a repeated or consecutive run.'),
  EID_PASSCODE_WRONG: def(401, 'Mã bảo vệ (passcode) không đúng.', 'The passcode is wrong.'),
  EID_CREDENTIALS_INVALID: def(401, 'Số định danh cá nhân hoặc mật khẩu không đúng.', 'The identification number or password is wrong.'),
  EID_OTP_REQUIRED: def(401, 'Cần nhập mã xác thực từ ứng dụng tạo mã (TOTP).', 'Enter the code from your authenticator app (TOTP).'),
  EID_OTP_INVALID: def(401, 'Mã xác thực từ ứng dụng tạo mã không đúng hoặc đã dùng.', 'The authenticator code is wrong or already used.'),
  EID_ACCOUNT_LOCKED: def(403, 'Tài khoản định danh điện tử đang bị khóa ({reason}).', 'The e-ID account is locked ({reason}).'),
  EID_ACCOUNT_NOT_FOUND: def(404, 'Không có tài khoản định danh điện tử này trong phạm vi quản lý của bạn.', 'There is no such e-ID account within your unit.'),
  EID_ACCOUNT_STATE: def(409, 'Tài khoản đang ở trạng thái "{status}" nên không thể {action}.', 'The account is "{status}", so it cannot {action}.'),
  EID_LOCK_REASON_PERSISTS: def(409, 'Lý do khóa tự động ({reason}) vẫn còn nên chưa mở khóa được.', 'The reason for the automatic lock ({reason}) still holds, so the account stays locked.'),
  EID_UNLOCK_NOT_ALLOWED: def(403, 'Tài khoản bị khóa vì "{reason}"; chỉ cơ quan Công an mở khóa được.', 'The account was locked for "{reason}"; only the police can unlock it.'),
  EID_TOTP_ALREADY_ENABLED: def(409, 'Xác thực hai lớp (TOTP) đã được bật.', 'Two-factor authentication (TOTP) is already on.'),
  EID_TOTP_NOT_PENDING: def(409, 'Chưa có yêu cầu bật xác thực hai lớp; hãy bắt đầu lại.', 'No two-factor enrolment is in progress; start again.'),
  EID_TOTP_NOT_ENABLED: def(409, 'Xác thực hai lớp (TOTP) chưa được bật.', 'Two-factor authentication (TOTP) is not on.'),
  EID_SESSION_NOT_FOUND: def(404, 'Không có phiên đăng nhập {id} của bạn.', 'You have no session {id}.'),
  EID_RESIDENCE_UNKNOWN: def(422, 'Cơ sở dữ liệu dân cư chưa ghi nơi cư trú của công dân nên chưa xác định được Công an xã xử lý; hãy đăng ký trực tiếp tại Công an xã/phường.', 'The population database holds no residence for the citizen, so no commune police can handle the application; apply in person at commune police.'),

  // --- reports (src/reports: Project 06 indicators, targets, monthly reports, roll-up rebuild) --------
  REPORTS_INDICATOR_UNKNOWN: def(400, 'Không có chỉ tiêu "{indicator}" trong danh mục chỉ tiêu báo cáo.', 'There is no indicator "{indicator}" in the catalogue.'),
  REPORTS_PERIOD_INVALID: def(400, 'Kỳ báo cáo không hợp lệ: ngày bắt đầu {from} sau ngày kết thúc {to}.', 'The period is not valid: it starts on {from}, after its end {to}.'),
  REPORTS_TOO_MANY_BUCKETS: def(400, 'Kỳ báo cáo chia theo "{groupBy}" quá {max} mốc; hãy chọn kỳ ngắn hơn hoặc nhóm thời gian lớn hơn.', 'Grouped by "{groupBy}" the period has more than {max} points; choose a shorter period or a larger grouping.'),
  REPORTS_OUT_OF_SCOPE: def(403, 'Đơn vị {code} nằm ngoài phạm vi đơn vị bạn quản lý.', 'Unit {code} lies outside your unit.'),
  REPORTS_UNIT_REQUIRED: def(400, 'Cần chọn đơn vị hành chính (tham số unit) cho báo cáo này.', 'Choose an administrative unit (parameter unit) for this report.'),
  REPORTS_FILTER_NOT_APPLICABLE: def(400, 'Chỉ tiêu "{indicator}" không lọc được theo "{filter}".', 'Indicator "{indicator}" cannot be filtered by "{filter}".'),
  REPORTS_FILTER_VALUE: def(400, 'Giá trị lọc {filter} = "{value}" không hợp lệ; chỉ nhận: {expected}.', 'Filter {filter} = "{value}" is not valid; one of: {expected}.'),
  REPORTS_BREAKDOWN_NOT_AVAILABLE: def(400, 'Chỉ tiêu "{indicator}" không phân tổ được theo "{breakdown}"; phân tổ có: {expected}.', 'Indicator "{indicator}" has no breakdown "{breakdown}"; it has: {expected}.'),
  REPORTS_TARGET_NOT_FOUND: def(404, 'Không có chỉ tiêu giao số {id} trong phạm vi của bạn.', 'There is no target {id} within your unit.'),
  REPORTS_TARGET_VALUE: def(400, 'Giá trị chỉ tiêu giao {value} không hợp lệ cho chỉ tiêu "{indicator}" ({expected}).', 'Target value {value} is not valid for indicator "{indicator}" ({expected}).'),
  REPORTS_TARGET_UNIT_UNKNOWN: def(400, 'Không có đơn vị hành chính mã {code} vào ngày {at}.', 'There is no administrative unit {code} on {at}.'),
  REPORTS_ARCHIVE_NOT_FOUND: def(404, 'Không có báo cáo lưu trữ số {id} trong phạm vi của bạn.', 'There is no archived report {id} within your unit.'),
  REPORTS_ROLLUPS_DIFFER: def(500, 'Số liệu tổng hợp khác với số đếm lại từ hồ sơ ở {count} dòng (chỉ tiêu: {indicators}); chạy "motcua reports rebuild" để tính lại.', 'The roll-ups differ from a recount of the records in {count} rows (indicators: {indicators}); run "motcua reports rebuild" to recompute them.'),
  REPORTS_RECOUNT_INVALID: def(500, 'Phân hệ {module} đếm lại chỉ tiêu "{indicator}" không thuộc phân hệ này hoặc đã do phân hệ khác khai báo.', 'Module {module} recounted indicator "{indicator}", which it does not declare or which another module declares.'),

  // --- sso (src/sso: the OpenID Connect provider, its portals and citizens' consents) ----------------
  SSO_CLIENT_NOT_FOUND: def(404, 'Không có cổng dịch vụ (client) "{id}".', 'There is no portal (client) "{id}".'),
  SSO_CLIENT_EXISTS: def(409, 'Đã có cổng dịch vụ (client) "{id}".', 'Portal (client) "{id}" already exists.'),
  SSO_CLIENT_NO_SECRET: def(409, 'Cổng dịch vụ "{id}" xác thực bằng khóa riêng (private_key_jwt), không dùng mật khẩu ứng dụng (client secret).', 'Portal "{id}" authenticates with its own key (private_key_jwt), not a client secret.'),
  SSO_REDIRECT_URI_INVALID: def(400, 'Địa chỉ chuyển hướng "{uri}" không hợp lệ: {reason}.', 'Redirect URI "{uri}" is not valid: {reason}.'),
  SSO_SECTOR_INVALID: def(400, 'Lĩnh vực định danh (sector) "{sector}" phải là một tên miền, ví dụ dichvucong.haiduong.gov.vn.', 'Sector "{sector}" must be a domain name, e.g. dichvucong.haiduong.gov.vn.'),
  SSO_LOGO_INVALID: def(400, 'Địa chỉ logo "{uri}" phải là một URL https.', 'Logo URI "{uri}" must be an https URL.'),
  SSO_JWKS_REQUIRED: def(400, 'Xác thực private_key_jwt cần bộ khóa công khai (jwks) của cổng dịch vụ.', "private_key_jwt needs the portal's public key set (jwks)."),
  SSO_JWKS_INVALID: def(400, 'Bộ khóa công khai (jwks) không hợp lệ: {reason}.', 'The public key set (jwks) is not valid: {reason}.'),
  SSO_CONSENT_NOT_FOUND: def(404, 'Bạn không có sự đồng ý chia sẻ dữ liệu số {id} đang còn hiệu lực.', 'You have no live data-sharing consent {id}.'),
  SSO_INTERACTION_EXPIRED: def(400, 'Phiên đăng nhập đã hết hạn hoặc không còn; hãy quay lại cổng dịch vụ và bắt đầu lại.', 'The sign-in has expired or is gone; go back to the portal and start again.'),
  SSO_INTERACTION_FORGED: def(403, 'Yêu cầu không xuất phát từ trang đăng nhập này; hãy tải lại trang và thử lại.', 'The request did not come from this sign-in page; reload the page and try again.'),
  SSO_LEVEL_NOT_MET: def(403, '{portal} yêu cầu tài khoản định danh điện tử mức độ {required}; tài khoản này là mức độ {level}.', '{portal} requires a level-{required} e-ID account; this account is level {level}.'),
  PORTAL_SIGN_IN_UNAVAILABLE: def(503, 'Đăng nhập qua hệ thống định danh chưa dùng được trên máy chủ này ({reason}); hãy đăng nhập trực tiếp bằng số định danh và mật khẩu.', 'Signing in through the identity system is not available on this server ({reason}); sign in directly with your number and password.'),
  PORTAL_HANDOFF_INVALID: def(400, 'Mã chuyển phiên đăng nhập không đúng, đã dùng hoặc đã quá 2 phút; hãy đăng nhập lại.', 'The sign-in handoff code is wrong, used or older than 2 minutes; sign in again.'),
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

const pluralRules: Record<Language, Intl.PluralRules> = { vi: new Intl.PluralRules('vi'), en: new Intl.PluralRules('en') };

/**
 * Fill `{name}` placeholders from params; unknown placeholders stay visible. With `lang`, a param
 * `name_vi` / `name_en` is preferred to `name` in that language (a reason written in both languages).
 * `{name|one|other}` picks `one` or `other` by the plural category (Intl.PluralRules, English when
 * no language is given) of the number in param `name`: `{count|error|errors}` → `error` for 1,
 * `errors` for 0 or 3; left visible when the param is missing or not a number.
 */
export function formatMessage(template: string, params: ErrorParams = {}, lang?: Language): string {
  return template.replace(/\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g, (m, k: string, one?: string, other?: string) => {
    const v = (lang !== undefined ? params[`${k}_${lang}`] : undefined) ?? params[k];
    if (v == null) return m;
    if (one === undefined || other === undefined) return String(v);
    const n = Number(v);
    if (typeof v === 'boolean' || v === '' || !Number.isFinite(n)) return m;
    return pluralRules[lang ?? 'en'].select(n) === 'one' ? one : other;
  });
}

/** The message of a catalogue code in one language. */
export function messageOf(code: ErrorCode, lang: Language, params: ErrorParams = {}): string {
  return formatMessage(errorCatalogue[code][lang], params, lang);
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
