/**
 * The HTML pages of the single sign-on: sign-in (identification number, password, and the
 * authenticator code when two-factor is on), step-up, consent, sign-out, errors. Vietnamese by
 * default, English when `Accept-Language` prefers it. Built for phones first (one column,
 * large targets, `inputmode=numeric` for numbers) and for the app's Content-Security-Policy:
 * no script at all, styles in one `<style>` element (`style-src 'unsafe-inline'` is allowed),
 * images only from the app itself, `data:` or the portal's logo origin (added by the route).
 * Every value is HTML-escaped. Forms post to the interaction's own URL with a CSRF token.
 */
import type { Language } from '../platform/errors.js';
import { fieldLabels } from './scopes.js';

export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `vi` unless the `Accept-Language` header prefers English (RFC 9110 §12.5.4 q-values). */
export function languageOfHeader(header: string | undefined): Language {
  let best: Language = 'vi';
  let bestQ = -1;
  for (const part of (header ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean) ?? 1);
    const lang = tag?.startsWith('vi') ? 'vi' : tag?.startsWith('en') ? 'en' : undefined;
    if (lang && q > bestQ) {
      best = lang;
      bestQ = q;
    }
  }
  return best;
}

const CSS = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;background:#f3f5f8;color:#1f2933}
main{max-width:30rem;margin:0 auto;padding:1rem}.card{background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:1.25rem;margin-top:1rem}
header{display:flex;align-items:center;gap:.75rem}header img{width:3rem;height:3rem;object-fit:contain}.brand{font-size:.875rem;color:#52606d}
h1{font-size:1.35rem;margin:.5rem 0 1rem}label{display:block;font-weight:600;margin:.75rem 0 .25rem}.hint{font-weight:400;color:#52606d;font-size:.875rem}
input{width:100%;font-size:1.1rem;padding:.7rem;border:1px solid #9aa5b1;border-radius:.5rem}input:focus{outline:3px solid #8fb8ff;border-color:#2563eb}
button{width:100%;min-height:3rem;font-size:1.05rem;font-weight:600;border-radius:.5rem;border:0;margin-top:1rem;cursor:pointer}
.primary{background:#b91c1c;color:#fff}.secondary{background:#e4e7eb;color:#1f2933}
.notice{background:#fff7e6;border-left:4px solid #d97706;padding:.75rem;border-radius:.25rem;margin:.75rem 0}
.error{background:#fdecec;border-left:4px solid #b91c1c;padding:.75rem;border-radius:.25rem;margin:.75rem 0}
ul{padding-left:1.25rem}dt{font-weight:600;margin-top:.5rem}dd{margin:0}small{color:#52606d}`;

const T = {
  vi: {
    brand: 'Hệ thống định danh và xác thực điện tử',
    signInTitle: 'Đăng nhập bằng tài khoản định danh điện tử',
    toPortal: (p: string) => `để sử dụng ${p}`,
    pin: 'Số định danh cá nhân',
    pinHint: '12 chữ số trên thẻ căn cước',
    password: 'Mật khẩu',
    otp: 'Mã xác thực',
    otpHint: 'chỉ khi bạn đã bật xác thực hai lớp: 6 chữ số trong ứng dụng tạo mã',
    signIn: 'Đăng nhập',
    back: 'Quay lại cổng dịch vụ',
    stepUp: (p: string, need: number, have: number | null) =>
      have === null
        ? `${p} yêu cầu đăng nhập bằng tài khoản định danh điện tử mức độ ${need}.`
        : `${p} yêu cầu tài khoản định danh điện tử mức độ ${need}. Lần đăng nhập hiện tại của bạn mới ở mức độ ${have}, nên bạn cần đăng nhập lại.`,
    upgraded: 'Tài khoản của bạn đã được nâng lên mức độ 2 sau lần đăng nhập trước; hãy đăng nhập lại để dùng mức độ 2.',
    howToLevel2: 'Nếu tài khoản của bạn đang là mức độ 1: mang thẻ căn cước gắn chip đến Công an xã, phường gần nhất để đăng ký mức độ 2 (thu nhận ảnh chân dung và vân tay).',
    reauth: 'Cổng dịch vụ yêu cầu bạn đăng nhập lại để xác nhận đúng là bạn.',
    consentTitle: (p: string) => `${p} đề nghị nhận thông tin của bạn`,
    purpose: 'Mục đích',
    fields: 'Thông tin được chia sẻ từ Cơ sở dữ liệu quốc gia về dân cư',
    noFields: 'Không chia sẻ thông tin cá nhân nào: cổng chỉ biết bạn đã đăng nhập và mức độ tài khoản.',
    pairwise: (sector: string) => `Cổng nhận một mã định danh riêng cho lĩnh vực ${sector}, không phải số định danh cá nhân của bạn.`,
    remember: (days: number) => `Sự đồng ý được ghi nhớ ${days} ngày. Bạn có thể xem và rút lại bất cứ lúc nào trong mục “Chia sẻ dữ liệu” của tài khoản; mỗi lần chia sẻ đều được ghi vào nhật ký truy cập của bạn.`,
    agree: 'Đồng ý chia sẻ',
    refuse: 'Từ chối',
    signedInAs: (level: number) => `Bạn đã đăng nhập bằng tài khoản mức độ ${level}.`,
    errorTitle: 'Không thể tiếp tục đăng nhập',
    errorBack: 'Hãy quay lại cổng dịch vụ và thử lại.',
    home: 'Về trang công dân của hệ thống',
    restart: 'Bắt đầu lại: đăng nhập trên trang công dân của hệ thống',
    technical: 'Thông tin kỹ thuật',
    logoutTitle: 'Đăng xuất',
    logoutAsk: (p: string | undefined) => (p ? `${p} yêu cầu đăng xuất khỏi hệ thống định danh. Bạn có muốn đăng xuất không?` : 'Bạn có muốn đăng xuất khỏi hệ thống định danh không?'),
    logoutYes: 'Đăng xuất',
    logoutNo: 'Không, vẫn giữ đăng nhập',
    loggedOut: 'Bạn đã đăng xuất.',
    errors: {
      invalid_redirect_uri: 'Địa chỉ quay về của cổng dịch vụ không khớp với địa chỉ đã đăng ký.',
      invalid_client: 'Cổng dịch vụ chưa được đăng ký hoặc đã ngừng kết nối.',
      invalid_request: 'Yêu cầu đăng nhập không hợp lệ.',
      invalid_scope: 'Cổng dịch vụ yêu cầu loại thông tin không được phép.',
      unauthorized_client: 'Cổng dịch vụ không được phép đăng nhập theo cách này.',
      unsupported_response_type: 'Cổng dịch vụ dùng cách đăng nhập không được hỗ trợ.',
      server_error: 'Đã xảy ra lỗi hệ thống.',
      temporarily_unavailable: 'Dịch vụ đăng nhập tạm thời gián đoạn; vui lòng thử lại sau ít phút.',
    } as Record<string, string>,
  },
  en: {
    brand: 'Electronic identification and authentication',
    signInTitle: 'Sign in with your e-ID account',
    toPortal: (p: string) => `to use ${p}`,
    pin: 'Personal identification number',
    pinHint: 'the 12 digits on your identity card',
    password: 'Password',
    otp: 'Authentication code',
    otpHint: 'only if two-factor is on: the 6 digits in your authenticator app',
    signIn: 'Sign in',
    back: 'Back to the portal',
    stepUp: (p: string, need: number, have: number | null) =>
      have === null ? `${p} requires a level-${need} e-ID account.` : `${p} requires a level-${need} e-ID account. You are signed in at level ${have}, so you need to sign in again.`,
    upgraded: 'Your account was raised to level 2 after your last sign-in; sign in again to use level 2.',
    howToLevel2: 'If your account is level 1: bring your chip identity card to the nearest commune police office to register level 2 (portrait and fingerprints).',
    reauth: 'The portal asks you to sign in again to confirm it is you.',
    consentTitle: (p: string) => `${p} asks for your information`,
    purpose: 'Purpose',
    fields: 'Information shared from the national population database',
    noFields: 'No personal information is shared: the portal only learns that you signed in and your account level.',
    pairwise: (sector: string) => `The portal receives an identifier of its own for the sector ${sector}, not your identification number.`,
    remember: (days: number) => `Your consent is remembered for ${days} days. You can see and withdraw it at any time under "Data sharing" in your account; every release is written to your access log.`,
    agree: 'Agree and share',
    refuse: 'Refuse',
    signedInAs: (level: number) => `You are signed in with a level-${level} account.`,
    errorTitle: 'Sign-in cannot continue',
    errorBack: 'Go back to the portal and try again.',
    home: 'Go to the citizen pages of this system',
    restart: 'Start again: sign in on the citizen pages of this system',
    technical: 'Technical details',
    logoutTitle: 'Sign out',
    logoutAsk: (p: string | undefined) => (p ? `${p} asks to sign you out of the e-ID system. Do you want to sign out?` : 'Do you want to sign out of the e-ID system?'),
    logoutYes: 'Sign out',
    logoutNo: 'No, stay signed in',
    loggedOut: 'You have signed out.',
    errors: {
      invalid_redirect_uri: "The portal's return address does not match the registered one.",
      invalid_client: 'The portal is not registered or no longer connected.',
      invalid_request: 'The sign-in request is not valid.',
      invalid_scope: 'The portal asks for information it may not receive.',
      unauthorized_client: 'The portal may not sign in this way.',
      unsupported_response_type: 'The portal uses a sign-in method that is not supported.',
      server_error: 'An internal error occurred.',
      temporarily_unavailable: 'Sign-in is briefly unavailable; please try again in a few minutes.',
    } as Record<string, string>,
  },
};

function layout(lang: Language, title: string, body: string, portal?: { name: string; logoUri: string | null }): string {
  const t = T[lang];
  const logo = portal?.logoUri ? `<img src="${escapeHtml(portal.logoUri)}" alt="">` : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>${logo}<div><div class="brand">${escapeHtml(t.brand)}</div>${portal ? `<div><strong>${escapeHtml(portal.name)}</strong></div>` : ''}</div></header>
<div class="card">
<h1>${escapeHtml(title)}</h1>
${body}
</div>
</main>
</body>
</html>`;
}

export interface PortalInfo {
  name: string;
  logoUri: string | null;
  purpose: string;
  sector: string;
}

export interface LoginPageInput {
  lang: Language;
  uid: string;
  csrf: string;
  portal: PortalInfo;
  /** Why the citizen is asked to sign in (the interaction's prompt reasons and details). */
  reasons: string[];
  details: { required?: number; wanted?: number; sessionLevel?: number | null; accountLevel?: number | null };
  pin?: string;
  error?: string;
  /** Focus and mark the code field (the account needs its authenticator code). */
  otpNeeded?: boolean;
  /** The account signed in with is below the portal's level: leaving tells the portal so. */
  unmet?: boolean;
}

/** The sign-in page, with the step-up explanation when the session is weaker than asked. */
export function loginPage(p: LoginPageInput): string {
  const t = T[p.lang];
  const notices: string[] = [];
  if (p.reasons.includes('assurance_level')) {
    const need = Math.max(p.details.required ?? 1, p.details.wanted ?? 1);
    const have = p.details.sessionLevel ?? null;
    // A session already at the level asked (its account since locked, say) is only asked again.
    if (have !== null && have >= need) notices.push(t.reauth);
    else {
      notices.push(t.stepUp(p.portal.name, need, have));
      if (have !== null && (p.details.accountLevel ?? 0) >= need) notices.push(t.upgraded);
      else if (need === 2) notices.push(t.howToLevel2);
    }
  } else if (!p.reasons.includes('no_session') && p.reasons.some((r) => r === 'max_age' || r === 'login_prompt' || r === 'id_token_hint')) {
    notices.push(t.reauth);
  } else if ((p.details.required ?? 1) === 2) {
    notices.push(t.stepUp(p.portal.name, 2, null));
    if (p.unmet) notices.push(t.howToLevel2);
  }
  const body = `<p>${escapeHtml(t.toPortal(p.portal.name))}</p>
${notices.map((n) => `<p class="notice">${escapeHtml(n)}</p>`).join('\n')}
${p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="/oidc/interaction/${escapeHtml(p.uid)}/login" autocomplete="on">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<label for="pin">${escapeHtml(t.pin)} <span class="hint">(${escapeHtml(t.pinHint)})</span></label>
<input id="pin" name="pin" inputmode="numeric" pattern="[0-9]{12}" maxlength="12" autocomplete="username" required value="${escapeHtml(p.pin ?? '')}"${p.pin ? '' : ' autofocus'}>
<label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="200" required${p.pin && !p.otpNeeded ? ' autofocus' : ''}>
<label for="otp">${escapeHtml(t.otp)} <span class="hint">(${escapeHtml(t.otpHint)})</span></label>
<input id="otp" name="otp" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code"${p.otpNeeded ? ' required aria-invalid="true"' : ''}>
<button class="primary" type="submit">${escapeHtml(t.signIn)}</button>
</form>
<form method="post" action="/oidc/interaction/${escapeHtml(p.uid)}/abort">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">${p.unmet ? '\n<input type="hidden" name="outcome" value="unmet">' : ''}
<button class="secondary" type="submit">${escapeHtml(t.back)}</button>
</form>`;
  return layout(p.lang, t.signInTitle, body, p.portal);
}

export interface ConsentPageInput {
  lang: Language;
  uid: string;
  csrf: string;
  portal: PortalInfo;
  scopes: string[];
  /** Claims asked for by name (the `claims` parameter) beyond the scopes. */
  claims: string[];
  level: number;
  consentDays: number;
}

/** The consent page: the portal, its stated purpose and exactly which registry fields it gets. */
export function consentPage(p: ConsentPageInput): string {
  const t = T[p.lang];
  const fields = fieldLabels(p.scopes, p.lang, p.claims);
  const list = fields.length > 0 ? `<ul>${fields.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : `<p>${escapeHtml(t.noFields)}</p>`;
  const body = `<p>${escapeHtml(t.signedInAs(p.level))}</p>
<dl><dt>${escapeHtml(t.purpose)}</dt><dd>${escapeHtml(p.portal.purpose)}</dd>
<dt>${escapeHtml(t.fields)}</dt><dd>${list}</dd></dl>
${fields.includes(fieldLabels(['vn_pin'], p.lang, [])[0]!) ? '' : `<p><small>${escapeHtml(t.pairwise(p.portal.sector))}</small></p>\n`}<p><small>${escapeHtml(t.remember(p.consentDays))}</small></p>
<form method="post" action="/oidc/interaction/${escapeHtml(p.uid)}/consent">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<button class="primary" type="submit" autofocus>${escapeHtml(t.agree)}</button>
</form>
<form method="post" action="/oidc/interaction/${escapeHtml(p.uid)}/abort">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<button class="secondary" type="submit">${escapeHtml(t.refuse)}</button>
</form>`;
  return layout(p.lang, t.consentTitle(p.portal.name), body, p.portal);
}

/** An error page (the provider's `renderError`, expired interactions). */
export function errorPage(lang: Language, error: string, description?: string, message?: string): string {
  const t = T[lang];
  const text = message ?? t.errors[error] ?? t.errors.invalid_request!;
  // An interaction that ended (expired, or already used) can only be started again, from the portal or here.
  const link = error === 'SSO_INTERACTION_EXPIRED' ? `<a href="/eid/sign-in">${escapeHtml(t.restart)}</a>` : `<a href="/eid/account">${escapeHtml(t.home)}</a>`;
  // The expired interaction's message already says to go back to the portal.
  const back = error === 'SSO_INTERACTION_EXPIRED' ? '' : `<p>${escapeHtml(t.errorBack)}</p>\n`;
  const body = `<p class="error" role="alert">${escapeHtml(text)}</p>
${back}<p>${link}</p>
<details><summary>${escapeHtml(t.technical)}</summary><p><small><code>${escapeHtml(error)}</code>${description ? `: ${escapeHtml(description)}` : ''}</small></p></details>`;
  return layout(lang, t.errorTitle, body);
}

/** The RP-initiated logout confirmation: the library's form (hidden `xsrf`) with our buttons. */
export function logoutPage(lang: Language, form: string, portalName?: string): string {
  const t = T[lang];
  const body = `<p>${escapeHtml(t.logoutAsk(portalName))}</p>
${form}
<button class="primary" type="submit" form="op.logoutForm" value="yes" name="logout" autofocus>${escapeHtml(t.logoutYes)}</button>
<button class="secondary" type="submit" form="op.logoutForm">${escapeHtml(t.logoutNo)}</button>`;
  return layout(lang, t.logoutTitle, body);
}

export function logoutSuccessPage(lang: Language): string {
  const t = T[lang];
  return layout(lang, t.logoutTitle, `<p>${escapeHtml(t.loggedOut)}</p>`);
}
