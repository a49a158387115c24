/**
 * Test helper: the text of a PDF as one line (every run of white space one space), as unpdf
 * (pdf.js) extracts it from all pages — to assert what a generated document says.
 */
import { extractText, getDocumentProxy } from 'unpdf';

export async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text.replace(/\s+/g, ' ');
}
