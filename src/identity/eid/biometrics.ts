/**
 * Biometric data of e-ID applications (dữ liệu sinh trắc học): the face image of a level-1
 * application made online, the portrait and fingerprints of a level-2 application collected by
 * police (Decree 69/2024/NĐ-CP Art. 10; the level-2 procedure, domain.md §1.4). Biometric data is
 * sensitive personal data (Decree 13/2023/NĐ-CP Art. 2(4)): it is sealed with AES-256-GCM before
 * storage (src/platform/crypto.ts), kept with its SHA-256 and never logged. Only the face image or the
 * portrait is returned, to police of the application's unit who decide on it (audited:
 * `GET /eid/applications/{id}/face-image`); fingerprint templates never are.
 *
 * Two extension points let a real vendor plug in:
 * - {@link FaceVerifier}: compares an applicant's face image with the portrait of record.
 * - {@link BiometricCapture}: authenticates a portrait and fingerprints captured at a collection
 *   point against the identity database.
 * The built-in ones verify nothing and say so: the application records `not_verified`
 * ("not biometrically verified") and a police officer decides on the evidence.
 *
 * Uploads are judged by their content, never by a declared type: images must start with the
 * JPEG (FF D8 FF) or PNG (89 50 4E 47 0D 0A 1A 0A) signature; fingerprints must be ISO/IEC
 * 19794-2 minutiae records (`FMR\0`) or ISO/IEC 19794-4 finger images (`FIR\0`).
 */
import { AppError } from '../../platform/errors.js';
import { sha256Hex, type DataCipher } from '../../platform/crypto.js';
import { biometricContext } from './store.js';

/** Largest image accepted (face or portrait): 2 MiB, well above a 640×480 JPEG from a phone. */
export const IMAGE_MAX_BYTES = 2 * 1024 * 1024;
/** Largest fingerprint record: 512 KiB (a 500 ppi finger image fits; a minutiae record is a few KiB). */
export const FINGERPRINT_MAX_BYTES = 512 * 1024;

export type ImageMediaType = 'image/jpeg' | 'image/png';

export interface DecodedImage {
  bytes: Buffer;
  mediaType: ImageMediaType;
  sha256: string;
}

export interface DecodedFingerprint {
  /** Finger position code of ISO/IEC 19794-2 (1 right thumb … 5 right little, 6 left thumb … 10 left little). */
  position: number;
  bytes: Buffer;
  mediaType: 'application/x-iso19794-2' | 'application/x-iso19794-4';
  sha256: string;
}

/** The media type of an image judged by its first bytes, or undefined when it is neither JPEG nor PNG. */
export function sniffImage(bytes: Uint8Array): ImageMediaType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Bytes of a base64 text (standard alphabet, optionally a `data:…;base64,` URL, whitespace
 * ignored). Errors: EID_IMAGE_ENCODING (400), EID_IMAGE_EMPTY (400), EID_IMAGE_TOO_LARGE (413).
 */
export function decodeBase64(field: string, text: string, maxBytes: number): Buffer {
  let s = text;
  const comma = s.startsWith('data:') ? s.indexOf(',') : -1;
  if (comma >= 0) {
    if (!/;base64$/i.test(s.slice(0, comma))) throw new AppError('EID_IMAGE_ENCODING', { field });
    s = s.slice(comma + 1);
  }
  s = s.replace(/\s+/g, '');
  if (s.length === 0) throw new AppError('EID_IMAGE_EMPTY', { field });
  // Checked before decoding, so an oversize upload is refused without allocating it.
  if (Math.floor((s.length * 3) / 4) - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0) > maxBytes) throw new AppError('EID_IMAGE_TOO_LARGE', { field, limit: maxBytes });
  if (s.length % 4 !== 0 || !BASE64_RE.test(s)) throw new AppError('EID_IMAGE_ENCODING', { field });
  return Buffer.from(s, 'base64');
}

/** A JPEG or PNG image from raw bytes. Errors: EID_IMAGE_EMPTY, EID_IMAGE_TOO_LARGE, EID_IMAGE_TYPE (415). */
export function imageOf(field: string, bytes: Buffer): DecodedImage {
  if (bytes.length === 0) throw new AppError('EID_IMAGE_EMPTY', { field });
  if (bytes.length > IMAGE_MAX_BYTES) throw new AppError('EID_IMAGE_TOO_LARGE', { field, limit: IMAGE_MAX_BYTES });
  const mediaType = sniffImage(bytes);
  if (!mediaType) throw new AppError('EID_IMAGE_TYPE', { field });
  return { bytes, mediaType, sha256: sha256Hex(bytes) };
}

/** {@link imageOf} of a base64 text. */
export function decodeImage(field: string, base64: string): DecodedImage {
  return imageOf(field, decodeBase64(field, base64, IMAGE_MAX_BYTES));
}

/**
 * Fingerprint records from base64 texts. Errors: EID_IMAGE_ENCODING, EID_IMAGE_EMPTY,
 * EID_IMAGE_TOO_LARGE, EID_FINGERPRINT_FORMAT (415), EID_FINGERPRINT_DUPLICATE (400).
 */
export function decodeFingerprints(items: readonly { position: number; template: string }[]): DecodedFingerprint[] {
  const seen = new Set<number>();
  return items.map((f, i) => {
    const field = `fingerprints.${i}.template`;
    if (seen.has(f.position)) throw new AppError('EID_FINGERPRINT_DUPLICATE', { position: f.position });
    seen.add(f.position);
    const bytes = decodeBase64(field, f.template, FINGERPRINT_MAX_BYTES);
    const magic = bytes.subarray(0, 4).toString('latin1');
    const mediaType = magic === 'FMR\0' ? 'application/x-iso19794-2' : magic === 'FIR\0' ? 'application/x-iso19794-4' : undefined;
    if (!mediaType) throw new AppError('EID_FINGERPRINT_FORMAT', { field });
    return { position: f.position, bytes, mediaType, sha256: sha256Hex(bytes) };
  });
}

/** What a biometric check concluded. `not_verified`: nothing was compared (no vendor). */
export type BiometricOutcome = 'matched' | 'not_matched' | 'not_verified';

/**
 * Compares an applicant's face image (taken by the phone's camera) with the portrait on record
 * for `pin` — the chip card's photo in the identity database (Decree 69/2024/NĐ-CP Art. 10: the face image captured by the app).
 * A `not_matched` answer refuses the application (EID_FACE_NOT_MATCHED); nothing is stored.
 */
export interface FaceVerifier {
  /** Stored with each application (`biometricChecker`). */
  readonly name: string;
  verify(input: { pin: string; image: DecodedImage }): Promise<{ outcome: BiometricOutcome; score?: number }>;
}

/**
 * Authenticates a portrait and fingerprints captured by a police officer at a collection point
 * against the identity database (the level-2 procedure at commune police, domain.md §1.4). A `not_matched` answer
 * refuses the application (EID_BIOMETRICS_NOT_MATCHED); nothing is stored.
 */
export interface BiometricCapture {
  readonly name: string;
  authenticate(input: { pin: string; portrait: DecodedImage; fingerprints: readonly DecodedFingerprint[] }): Promise<{ outcome: BiometricOutcome }>;
}

/** The built-in face verifier: compares nothing; the image is stored sealed and marked not biometrically verified. */
export const storeOnlyFaceVerifier: FaceVerifier = {
  name: 'builtin:store-only',
  async verify() {
    return { outcome: 'not_verified' };
  },
};

/** The built-in capture: authenticates nothing; portrait and templates are stored sealed, marked not biometrically verified. */
export const storeOnlyBiometricCapture: BiometricCapture = {
  name: 'builtin:store-only',
  async authenticate() {
    return { outcome: 'not_verified' };
  },
};

export { biometricContext };

/** Rows to store for an application's biometrics, each sealed under `cipher`. */
export function sealedBiometrics(cipher: DataCipher, applicationId: number, now: string, items: { kind: 'face' | 'portrait' | 'fingerprint'; position: number | null; bytes: Buffer; mediaType: string; sha256: string }[]) {
  return items.map((b) => ({
    application_id: applicationId,
    kind: b.kind,
    position: b.position,
    media_type: b.mediaType,
    byte_size: b.bytes.length,
    sha256: b.sha256,
    sealed: cipher.seal(b.bytes, biometricContext(applicationId, b.kind, b.position)),
    key_id: cipher.keyId,
    created_at: now,
  }));
}
