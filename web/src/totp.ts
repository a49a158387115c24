/**
 * What the pages that set up an authenticator app share (the citizen's account page, the staff
 * sign-in): the QR code of an `otpauth://` URI, drawn in the page, and the secret as people copy it.
 */
import { useEffect, useState } from 'react';

/**
 * A PNG data URL of the QR code (ISO/IEC 18004, error correction M) of `text`, once drawn;
 * undefined before and without text. The QR code library is loaded only by the pages that use it.
 */
export function useQrDataUrl(text: string | undefined, width = 192): string | undefined {
  const [qr, setQr] = useState<{ text: string; url: string }>();
  useEffect(() => {
    if (!text) return;
    let live = true;
    void import('qrcode').then((QRCode) => QRCode.toDataURL(text, { margin: 1, width, errorCorrectionLevel: 'M' })).then((url) => live && setQr({ text, url }), () => undefined);
    return () => {
      live = false;
    };
  }, [text, width]);
  return qr && qr.text === text ? qr.url : undefined;
}

/** A base32 secret in groups of four, as people read and type it. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
