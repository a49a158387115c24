import type { ChangeEvent, Ref } from 'react';
import { useI18n } from '../i18n.js';

/**
 * A file input labelled in the page's language (the browser's own button would speak the
 * browser's language): the native input stays in the page for keyboards and screen readers, out of
 * sight, behind a styled label, with the chosen file's name beside it. Put it in a `Form.Item`
 * whose `htmlFor` is `id`, and give the error text the id `${id}-help`.
 */
export function FilePicker({ id, file, error, accept, disabled, inputRef, onChange }: { id: string; file: File | undefined; error?: string; accept: string; disabled?: boolean; inputRef?: Ref<HTMLInputElement>; onChange: (file: File | undefined) => void }) {
  const { t } = useI18n();
  const nameId = `${id}-name`;
  return (
    <div className="file-picker">
      <input
        ref={inputRef}
        id={id}
        className="file-input"
        type="file"
        accept={accept}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.files?.[0])}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-help ${nameId}` : nameId}
        disabled={disabled}
      />
      <label htmlFor={id} className="file-button" aria-hidden="true">
        <UploadIcon /> {t('imports.chooseFile')}
      </label>
      <span id={nameId} className={file ? 'file-name' : 'file-name muted'}>
        {file ? file.name : t('imports.noFile')}
      </span>
    </div>
  );
}

function UploadIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 11V2m0 0L4.5 5.5M8 2l3.5 3.5M2 12v2h12v-2" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
