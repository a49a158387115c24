import { fetchFile, type CallOptions } from './api.js';

/** Hands a blob to the browser as a download named `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by the time the click returns; free the memory a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads a file of the API that needs the staff session's token (a plain link would not send
 * it): fetches it as a blob, then saves it under the name the server gave.
 */
export async function downloadFromApi(path: string, fallbackName: string, options: CallOptions): Promise<void> {
  const { blob, fileName } = await fetchFile(path, fallbackName, options);
  saveBlob(blob, fileName);
}
