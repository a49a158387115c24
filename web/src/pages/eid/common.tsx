/**
 * Pieces the e-ID pages share: labels of the e-ID codes in the UI language (the codes come from the
 * server's src/identity/eid/model.ts), status tags, the page frame, server problems placed on form
 * fields, and photos made ready for upload on a cheap phone.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Tag, Typography, type ButtonProps, type FormInstance } from 'antd';
import { ACCOUNT_STATUSES, APPLICATION_STATUSES, CHANNELS, LOCK_REASONS, REJECTION_REASONS, type AccountStatus, type ApplicationStatus, type Channel, type LockReason, type RejectionReason } from '../../../../src/identity/eid/model.js';
import { ApiError } from '../../api.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { formatInstant } from '../../dates.js';
import { eidVi } from '../../i18n/eid.js';
import { useI18n, type Lang, type MessageKey, type Translate } from '../../i18n.js';
import { navigate } from '../../router.js';
import './eid.css';

export { ACCOUNT_STATUSES, APPLICATION_STATUSES, CHANNELS, LOCK_REASONS, REJECTION_REASONS };
export type { AccountStatus, ApplicationStatus, Channel, LockReason, RejectionReason };

/** 12 digits (số định danh cá nhân). */
export const PIN = /^[0-9]{12}$/;
/** 6 digits: SMS codes, passcodes, authenticator codes. */
export const SIX_DIGITS = /^[0-9]{6}$/;

/**
 * A passcode the server refuses (EID_PASSCODE_WEAK, src/identity/eid/activation.ts): one digit
 * repeated (000000) or a run up or down (123456, 987654) — the first guesses.
 */
export function weakPasscode(passcode: string): boolean {
  const d = [...passcode].map(Number);
  const steps = d.slice(1).map((x, i) => x - d[i]!);
  return steps.every((s) => s === 0) || steps.every((s) => s === 1) || steps.every((s) => s === -1);
}

/** The number last used to activate in this page's life: the sign-in form starts with it. Never stored. */
let lastPin: string | undefined;
export const rememberPin = (pin: string) => {
  lastPin = pin;
};
export const rememberedPin = () => lastPin;

export const appStatusLabel = (t: Translate, s: ApplicationStatus) => t(`eid.appStatus.${s}`);
export const accountStatusLabel = (t: Translate, s: AccountStatus) => t(`eid.accountStatus.${s}`);
export const channelLabel = (t: Translate, c: Channel) => t(`eid.channel.${c}`);
export const lockReasonLabel = (t: Translate, r: LockReason) => t(`eid.lockReason.${r}`);
export const levelLabel = (t: Translate, level: number) => t('eid.levelN', { level });

/** A rejection reason in the UI language (labels from the server's model); an unknown code shows itself. */
export function rejectionLabel(lang: Lang, code: string): string {
  return code in REJECTION_REASONS ? REJECTION_REASONS[code as RejectionReason][lang] : code;
}

/** An action of the usage history or of an account's events (`sign-in`, `locked`…); unknown actions show their code. */
export function usageLabel(t: Translate, action: string): string {
  const key = `eid.usage.${action}`;
  return key in eidVi ? t(key as MessageKey) : action;
}

/** The notes the server writes on the steps it takes itself (src/identity/eid), in the UI language. */
const STEP_NOTES: Record<string, MessageKey> = {
  'number, folded name, date of birth and sex match the population registry; eligible': 'eid.stepNote.verified',
  'activation invitation sent by SMS': 'eid.stepNote.invited',
  'activated with the SMS code': 'eid.stepNote.activated',
  'dependant account: managed through the parent’s account': 'eid.stepNote.dependant',
};

/** A step's note: the server's own notes translated, an officer's note as written. */
export function stepNote(t: Translate, note: string): string {
  const key = STEP_NOTES[note];
  return key ? t(key) : note;
}

/** ISO/IEC 19794-2 finger positions: 1 right thumb … 5 right little, 6 left thumb … 10 left little. */
export const FINGER_POSITIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export const fingerLabel = (t: Translate, position: number) => t(`eid.finger.${position}` as MessageKey);

/** An instant in Vietnam time without seconds: `29/11/2026, 20:37`. */
export function formatMoment(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return formatInstant(iso, lang).replace(/(\d{2}:\d{2}):\d{2}/, '$1');
}

export function AppStatusTag({ status }: { status: ApplicationStatus }) {
  const { t } = useI18n();
  return <Tag className={`eid-tag eid-app-${status}`}>{appStatusLabel(t, status)}</Tag>;
}

export function AccountStatusTag({ status }: { status: AccountStatus }) {
  const { t } = useI18n();
  return <Tag className={`eid-tag eid-account-${status}`}>{accountStatusLabel(t, status)}</Tag>;
}

export function LevelTag({ level }: { level: number }) {
  const { t } = useI18n();
  return <Tag className={`eid-tag eid-level-${level}`}>{levelLabel(t, level)}</Tag>;
}

/** A link that looks like a large button (a next step: activate, sign in), navigating inside the app. */
export function LinkButton({ href, type = 'default', children }: { href: string; type?: ButtonProps['type']; children: ReactNode }) {
  return (
    <Button
      type={type}
      size="large"
      href={href}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </Button>
  );
}

/** A page's title (h1) and introduction. */
export function PageHead({ title, intro }: { title: MessageKey; intro?: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t(title)}
      </Typography.Title>
      {intro && <Typography.Paragraph className="page-intro">{intro}</Typography.Paragraph>}
    </>
  );
}

// --- server problems on form fields ------------------------------------------------------------------

export interface FieldMap {
  /** Body member (`pin`, `collectionPoint.campaignId`) → form field name and its label. */
  fields: Record<string, { name: string; label: string }>;
  /** Problem codes that concern one field (`EID_PHONE_INVALID` → `phone`), by body member. */
  codes?: Record<string, string>;
}

/**
 * Puts an API error on the form: each field error of VALIDATION_FAILED (`body.pin`) on its field
 * with the field's label in place of its path, and a code that concerns one field (`EID_CODE_INVALID`)
 * on that field. Answers the summary to show above the form (undefined when every part of it was
 * placed on a field, so that nothing is said twice).
 */
export function placeProblem(form: FormInstance, error: unknown, map: FieldMap): unknown {
  if (!(error instanceof ApiError)) return error;
  const p = error.problem;
  const fieldOf = (member: string) => map.fields[member.replace(/^body\./, '')];
  if (p.code === 'VALIDATION_FAILED' && p.errors?.length) {
    const placed = new Map<string, string[]>();
    const unplaced: typeof p.errors = [];
    for (const e of p.errors) {
      const f = fieldOf(e.field);
      if (!f) {
        unplaced.push(e);
        continue;
      }
      placed.set(f.name, [...(placed.get(f.name) ?? []), e.detail.replace(`"${e.field}"`, `"${f.label}"`)]);
    }
    form.setFields([...placed].map(([name, errors]) => ({ name, errors })));
    return unplaced.length === 0 ? undefined : new ApiError({ ...p, errors: unplaced });
  }
  const member = map.codes?.[p.code];
  const f = member ? map.fields[member] : undefined;
  if (f) {
    // "faceImage" in a message means the field the citizen knows as "Ảnh khuôn mặt".
    form.setFields([{ name: f.name, errors: [p.detail.replace(`"${member}"`, `"${f.label}"`)] }]);
    return undefined;
  }
  return error;
}

/** The summary of a failed submission above its form (nothing when there is none). */
/**
 * The server's answer to a form, above the form. Brought into view when it appears (a phone user
 * at the submit button saw nothing happen: the message was 464 px above the screen, in a trial).
 */
export function FormProblem({ error }: { error: unknown }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error !== undefined) box.current?.scrollIntoView?.({ block: 'nearest' });
  }, [error]);
  return error === undefined ? null : (
    <div ref={box} className="form-problem">
      <ProblemAlert error={error} />
    </div>
  );
}

// --- photos -------------------------------------------------------------------------------------------

/** Photos above this size, or not JPEG or PNG, are redrawn smaller as JPEG before upload. */
const KEEP_AS_IS_BYTES = 900 * 1024;
const MAX_EDGE = 1280;

/**
 * A photo ready for upload: as taken when it is a JPEG or PNG of at most 900 KiB, else redrawn
 * (orientation applied) at most 1280 px on its longer edge as a JPEG of quality 0.85 — a phone
 * camera's 4 MB picture becomes about 200 KB, well under the server's 2 MiB and quick over 3G.
 * A file the browser cannot decode is sent as is: the server judges it (EID_IMAGE_TYPE).
 */
export async function photoForUpload(file: File): Promise<Blob> {
  if (file.size <= KEEP_AS_IS_BYTES && /^image\/(jpeg|png)$/.test(file.type)) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  return blob ?? file;
}

/** A blob as a `data:` URL (base64), for JSON bodies and previews. */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(blob);
  });
}

export interface Photo {
  blob: Blob;
  /** `data:` URL of the blob: the preview, and the JSON body's image. */
  dataUrl: string;
  name: string;
}

/**
 * A photo taken with the camera (`capture`: `user` the front camera for a selfie, `environment`
 * the back one) or chosen from the files, with its preview. The native input stays in the page for
 * keyboards and screen readers, behind a large labelled button. Inside a `Form.Item`, `id` is the
 * one the item gives its control (so its label points here), and the item's help and extra texts
 * (`${id}_help`, `${id}_extra`) describe the input.
 */
export function PhotoPicker({ id, photo, capture, label, error, disabled, onChange }: { id: string; photo: Photo | undefined; capture: 'user' | 'environment'; label: string; error?: boolean; disabled?: boolean; onChange: (photo: Photo | undefined) => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  // A file the browser cannot show (not an image) gets no preview; the server says what is wrong.
  const [broken, setBroken] = useState<string>();
  const pick = async (file: File | undefined) => {
    if (!file) return onChange(undefined);
    setBusy(true);
    try {
      const blob = await photoForUpload(file);
      onChange({ blob, dataUrl: await dataUrlOf(blob), name: file.name });
    } finally {
      setBusy(false);
    }
  };
  const described = [error ? `${id}_help` : '', `${id}_extra`, `${id}-state`].filter(Boolean).join(' ');
  return (
    <div className="photo-picker">
      <input
        id={id}
        className="file-input"
        type="file"
        accept="image/jpeg,image/png,image/*"
        capture={capture}
        disabled={disabled || busy}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => void pick(e.target.files?.[0])}
      />
      <label htmlFor={id} className="file-button photo-button" aria-hidden="true">
        <CameraIcon /> {label}
      </label>
      {photo && broken !== photo.dataUrl ? <img className="photo-preview" src={photo.dataUrl} alt={t('eid.photo.preview')} onError={() => setBroken(photo.dataUrl)} /> : null}
      <span id={`${id}-state`} className={photo ? 'file-name' : 'file-name muted'} aria-live="polite">
        {busy ? t('eid.photo.preparing') : photo ? t('eid.photo.ready', { kb: Math.max(1, Math.round(photo.blob.size / 1024)) }) : t('eid.photo.none')}
      </span>
    </div>
  );
}

function CameraIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d="M3 6h3l1.5-2h5L14 6h3v10H3z" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinejoin="round" />
      <circle cx="10" cy="11" r="3" stroke="currentColor" strokeWidth="1.6" fill="none" />
    </svg>
  );
}
