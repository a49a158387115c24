/**
 * Text in HTTP headers. Header values travel as bytes that Node reads as Latin-1, and browsers
 * may only send Latin-1 there (Fetch standard), so Vietnamese text arrives either percent-encoded
 * (what browsers must do, RFC 3986), in RFC 8187's `UTF-8''…` form, or as raw UTF-8 bytes (curl).
 * All become the text meant, NFC.
 */
export function decodeHeaderText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // RFC 8187 form (`UTF-8''Gi%C3%BAp`, `utf-8'vi'…`): the charset and language go, the percent-encoding is read below.
  let text = value.replace(/^utf-8'[A-Za-z0-9-]*'/i, '');
  // Raw UTF-8 read as Latin-1: every char is a byte; re-read the bytes as UTF-8 when they form it.
  if (/[\u0080-\u00ff]/.test(text)) {
    const bytes = Buffer.from(text, 'latin1');
    const utf8 = bytes.toString('utf8');
    if (!utf8.includes('\ufffd')) text = utf8;
  }
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // not percent-encoding after all: keep the text as it came
    }
  }
  return text.normalize('NFC');
}

/** The value of cookie `name` in a `Cookie` header (RFC 6265 §5.4), if any. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
