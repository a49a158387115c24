import { useState } from 'react';
import { Button } from 'antd';
import type { CallOptions } from '../api.js';
import { downloadFromApi } from '../download.js';
import { useI18n } from '../i18n.js';
import { ProblemAlert } from './ProblemAlert.js';

/**
 * A button that downloads a file of the API with the session's token (templates, error reports,
 * printable rosters, calendars), showing the error under it if that fails. `auth: 'citizen'`
 * downloads in the citizen's e-ID session (a form of their own dossier).
 */
export function DownloadButton({ path, fallbackName, label, primary = false, auth }: { path: string; fallbackName: string; label: string; primary?: boolean; auth?: CallOptions['auth'] }) {
  const { lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await downloadFromApi(path, fallbackName, { lang, auth });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="download">
      <Button type={primary ? 'primary' : 'default'} icon={<DownloadIcon />} loading={busy} onClick={download}>
        {label}
      </Button>
      {error !== undefined && <ProblemAlert error={error} />}
    </div>
  );
}

export function DownloadIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 1v9m0 0L4.5 6.5M8 10l3.5-3.5M2 12v2h12v-2" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
