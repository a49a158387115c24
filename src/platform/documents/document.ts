/**
 * Administrative documents as PDF (văn bản hành chính), shared by the dossier forms (Circular
 * 03/2025/TT-VPCP Appendix I: receipt, supplement request, refusal, apology, stop notice, control
 * slip, register), desk rosters and report exports.
 *
 * Layout after Decree 30/2020/NĐ-CP on clerical work, Appendix I (A4 portrait; margins top and
 * bottom 20 mm, left 30 mm, right 15 mm):
 * - the national heading (Quốc hiệu và Tiêu ngữ) top right: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
 *   in bold capitals, "Độc lập - Tự do - Hạnh phúc" in bold below it, underlined by a line as long
 *   as the motto;
 * - the issuing body (tên cơ quan ban hành) top left: the parent body in capitals, the body itself
 *   in bold capitals with a short line below; the number and symbol (Số: …/…) under it;
 * - the place and date (địa danh và thời gian) in italics under the motto: "Hải Phòng, ngày 05
 *   tháng 10 năm 2025" — a leading zero for days below 10 and for months 1 and 2;
 * - the title in bold capitals, centred, and the subject (trích yếu) below it;
 * - the body: paragraphs, label–value lines, headings and tables;
 * - the signature block right (authority, title, "(Ký, ghi rõ họ tên)", the signer's name in bold),
 *   the recipients (Nơi nhận) left; pages from the second one numbered at the top centre;
 * - an optional QR code (ISO/IEC 18004, drawn as vectors) linking e.g. to the public tracking page.
 *
 * {@link renderDocument} returns the PDF as a Buffer. Text is taken in Unicode NFC.
 */
import { isIsoDate } from '../dates.js';
import { lazyRequire } from '../lazy.js';
import { FONT_NAMES, fontData, type FontStyle } from './fonts.js';

/** pdfkit, loaded on first use ({@link lazyRequire}); also for measuring text (reports/chart.ts). */
export const pdfkit = lazyRequire<typeof import('pdfkit')>('pdfkit');
const qrcode = lazyRequire<typeof import('qrcode')>('qrcode');
const svgToPdf = lazyRequire<typeof import('svg-to-pdfkit')>('svg-to-pdfkit');

/** Millimetres to PDF points. */
const mm = (v: number) => (v * 72) / 25.4;

export const PAGE = {
  size: 'A4' as const,
  margins: { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) },
};

/** Font sizes in points (Decree 30/2020 Appendix I gives ranges; these are within them). */
const SIZE = { heading: 12, motto: 13, issuer: 12, title: 14, body: 13, small: 11, caption: 10 };

export type Align = 'left' | 'center' | 'right' | 'justify';

export type DocumentBlock =
  /** A paragraph; first line indented by default (1 cm) when justified. */
  | { kind: 'paragraph'; text: string; style?: FontStyle; align?: Align; size?: number; indent?: boolean }
  /** A bold line introducing a section. */
  | { kind: 'heading'; text: string }
  /** Label–value lines: "Họ và tên: Nguyễn Văn A". */
  | { kind: 'fields'; rows: { label: string; value: string }[] }
  /** A ruled table; widths are fractions of the text width (they are normalised). */
  | { kind: 'table'; columns: { header: string; width?: number; align?: Align }[]; rows: string[][]; size?: number }
  /**
   * A vector figure: an SVG drawing (e.g. a chart from ECharts' server-side SVG renderer) of
   * `width` × `height` SVG px, scaled to the text width with its aspect ratio kept, drawn by
   * svg-to-pdfkit, with an optional italic caption centred below. Text in the SVG is set in the
   * document's Noto Serif whatever family it names (bold and italic kept), so Vietnamese letters
   * render and can be extracted. Starts a new page when it does not fit.
   */
  | { kind: 'figure'; svg: string; width: number; height: number; caption?: string }
  /** Vertical space in points. */
  | { kind: 'space'; points: number };

export interface SignatureBlock {
  /** Who signs for whom (thẩm quyền ký): "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN". Optional. */
  authority?: string;
  /** The signer's title (chức vụ): "NGƯỜI TIẾP NHẬN", "PHÓ GIÁM ĐỐC". */
  title: string;
  /** The hint under the title, default "(Ký, ghi rõ họ tên)". */
  note?: string;
  /** The signer's full name; left blank for a hand signature when absent. */
  name?: string;
}

export interface OfficialDocument {
  issuer: {
    /** The body above the issuer (cơ quan chủ quản), e.g. "UBND THÀNH PHỐ HẢI PHÒNG". */
    parent?: string;
    /** The issuing body, e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ CẨM GIANG". */
    name: string;
  };
  /** Number and symbol, without "Số:": "15/GTN-TTPVHCC". Omitted: the line is left out. */
  number?: string;
  /** Place name of the date line (địa danh): "Cẩm Giang". */
  place: string;
  /** The document's date, `YYYY-MM-DD` (Vietnam time). */
  date: string;
  title: string;
  /** Subject line (trích yếu) under the title. */
  subject?: string;
  blocks: DocumentBlock[];
  signature?: SignatureBlock;
  /** Recipients (Nơi nhận), each printed "- …;". */
  recipients?: string[];
  /** A QR code with its caption (e.g. the public tracking address). */
  qr?: { text: string; caption?: string };
  /** PDF metadata: author (default the issuer), subject, keywords. */
  meta?: { author?: string; subject?: string; keywords?: string };
}

/**
 * "Hải Phòng, ngày 05 tháng 10 năm 2025" (Decree 30/2020/NĐ-CP Appendix I: days below 10 and
 * months 1 and 2 take a leading zero). Throws RangeError for a date that does not exist.
 */
export function placeDateLine(place: string, date: string): string {
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = String(d).padStart(2, '0');
  const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
  return `${place.normalize('NFC')}, ngày ${day} tháng ${month} năm ${y}`;
}

type Doc = PDFKit.PDFDocument;

function font(doc: Doc, style: FontStyle, size: number): Doc {
  return doc.font(FONT_NAMES[style]).fontSize(size);
}

const nfc = (s: string) => s.normalize('NFC');

/** Centres `text` in the column [x, x + width) at y; returns the height used. */
function centred(doc: Doc, text: string, x: number, y: number, width: number, style: FontStyle, size: number): number {
  font(doc, style, size);
  const h = doc.heightOfString(text, { width, align: 'center' });
  doc.text(text, x, y, { width, align: 'center' });
  return h;
}

function underline(doc: Doc, centreX: number, y: number, length: number): void {
  doc.save().lineWidth(0.6).moveTo(centreX - length / 2, y).lineTo(centreX + length / 2, y).stroke().restore();
}

/** The two-column heading: issuer and number left, national heading and date right. */
function heading(doc: Doc, d: OfficialDocument): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const gap = 8;
  const leftW = width * 0.4 - gap / 2;
  const rightX = left + leftW + gap;
  const rightW = width - leftW - gap;
  const top = doc.page.margins.top;

  // Left: issuer.
  let ly = top;
  if (d.issuer.parent) ly += centred(doc, nfc(d.issuer.parent).toLocaleUpperCase('vi'), left, ly, leftW, 'regular', SIZE.issuer);
  const issuer = nfc(d.issuer.name).toLocaleUpperCase('vi');
  ly += centred(doc, issuer, left, ly, leftW, 'bold', SIZE.issuer);
  font(doc, 'bold', SIZE.issuer);
  underline(doc, left + leftW / 2, ly + 2, Math.min(leftW * 0.5, doc.widthOfString(issuer) * 0.4));
  ly += 8;
  if (d.number !== undefined) ly += centred(doc, `Số: ${nfc(d.number)}`, left, ly, leftW, 'regular', SIZE.body);

  // Right: national heading.
  let ry = top;
  ry += centred(doc, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rightX, ry, rightW, 'bold', SIZE.heading);
  const motto = 'Độc lập - Tự do - Hạnh phúc';
  ry += centred(doc, motto, rightX, ry, rightW, 'bold', SIZE.motto);
  font(doc, 'bold', SIZE.motto);
  underline(doc, rightX + rightW / 2, ry + 1, doc.widthOfString(motto));
  ry += 10;
  ry += centred(doc, placeDateLine(d.place, d.date), rightX, ry, rightW, 'italic', SIZE.body);

  doc.x = left;
  doc.y = Math.max(ly, ry) + 18;
}

function titleBlock(doc: Doc, d: OfficialDocument): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  font(doc, 'bold', SIZE.title).text(nfc(d.title).toLocaleUpperCase('vi'), left, doc.y, { width, align: 'center' });
  if (d.subject) font(doc, 'bold', SIZE.body).text(nfc(d.subject), left, doc.y, { width, align: 'center' });
  doc.moveDown(0.8);
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function table(doc: Doc, block: Extract<DocumentBlock, { kind: 'table' }>): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const size = block.size ?? SIZE.small;
  const fractions = block.columns.map((c) => c.width ?? 1);
  const total = fractions.reduce((a, b) => a + b, 0);
  const widths = fractions.map((f) => (f / total) * width);
  const pad = 3;
  const rowHeight = (cells: string[], style: FontStyle) => {
    font(doc, style, size);
    return Math.max(...cells.map((c, i) => doc.heightOfString(nfc(c ?? ''), { width: widths[i]! - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], style: FontStyle, header: boolean) => {
    const h = rowHeight(cells, style);
    ensureSpace(doc, h);
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      doc.save().lineWidth(0.5).rect(x, y, widths[i]!, h).stroke().restore();
      font(doc, style, size).text(nfc(c ?? ''), x + pad, y + pad, { width: widths[i]! - 2 * pad, align: header ? 'center' : (block.columns[i]?.align ?? 'left') });
      x += widths[i]!;
    });
    doc.x = left;
    doc.y = y + h;
  };
  const headers = block.columns.map((c) => c.header);
  drawRow(headers, 'bold', true);
  for (const row of block.rows) {
    if (doc.y + rowHeight(row, 'regular') > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      drawRow(headers, 'bold', true);
    }
    drawRow(row, 'regular', false);
  }
  doc.moveDown(0.5);
}

/** Every font family of an SVG drawn into a document maps to the registered Noto Serif style. */
function svgFont(_family: string, bold: boolean, italic: boolean): string {
  return FONT_NAMES[bold && italic ? 'boldItalic' : bold ? 'bold' : italic ? 'italic' : 'regular'];
}

function figure(doc: Doc, block: Extract<DocumentBlock, { kind: 'figure' }>): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const height = (block.height / block.width) * width;
  ensureSpace(doc, height + (block.caption ? 20 : 0));
  const y = doc.y;
  doc.save();
  // Warnings name SVG features svg-to-pdfkit skips (ECharts' SSR output raises none); they do not stop the document.
  svgToPdf()(doc, block.svg, left, y, { width, height, preserveAspectRatio: 'xMidYMid meet', fontCallback: svgFont, warningCallback: () => {} });
  doc.restore();
  doc.x = left;
  doc.y = y + height + 4;
  if (block.caption) font(doc, 'italic', SIZE.small).text(nfc(block.caption), left, doc.y, { width, align: 'center', paragraphGap: 4 });
  doc.moveDown(0.5);
}

function body(doc: Doc, blocks: DocumentBlock[]): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  for (const b of blocks) {
    switch (b.kind) {
      case 'paragraph': {
        const align = b.align ?? 'justify';
        font(doc, b.style ?? 'regular', b.size ?? SIZE.body).text(nfc(b.text), left, doc.y, { width, align, indent: (b.indent ?? align === 'justify') ? mm(10) : 0, paragraphGap: 4 });
        break;
      }
      case 'heading':
        ensureSpace(doc, 40);
        font(doc, 'bold', SIZE.body).text(nfc(b.text), left, doc.y, { width, paragraphGap: 3 });
        break;
      case 'fields':
        for (const r of b.rows) {
          font(doc, 'regular', SIZE.body).text(`${nfc(r.label)}: `, left, doc.y, { width, continued: true });
          font(doc, 'bold', SIZE.body).text(nfc(r.value), { width, paragraphGap: 2 });
        }
        break;
      case 'table':
        table(doc, b);
        break;
      case 'figure':
        figure(doc, b);
        break;
      case 'space':
        doc.y += b.points;
        break;
    }
  }
}

function drawQr(doc: Doc, text: string, x: number, y: number, size: number): void {
  const qr = qrcode().create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save();
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) doc.rect(x + c * cell, y + r * cell, cell, cell);
  }
  doc.fill('#000000').restore();
}

/** Signature block right; recipients and the QR code left. */
function footer(doc: Doc, d: OfficialDocument): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const leftW = width * 0.45;
  const rightX = left + leftW;
  const rightW = width - leftW;
  const qrSize = mm(25);
  const recipientsHeight = d.recipients ? 16 + d.recipients.length * 14 : 0;
  const needed = Math.max(d.signature ? 130 : 0, (d.qr ? qrSize + 30 : 0) + recipientsHeight);
  doc.moveDown(0.5);
  ensureSpace(doc, needed);
  const top = doc.y;

  let ry = top;
  if (d.signature) {
    const s = d.signature;
    if (s.authority) ry += centred(doc, nfc(s.authority).toLocaleUpperCase('vi'), rightX, ry, rightW, 'bold', SIZE.body);
    ry += centred(doc, nfc(s.title).toLocaleUpperCase('vi'), rightX, ry, rightW, 'bold', SIZE.body);
    ry += centred(doc, nfc(s.note ?? '(Ký, ghi rõ họ tên)'), rightX, ry, rightW, 'italic', SIZE.small);
    ry += 60;
    if (s.name) ry += centred(doc, nfc(s.name), rightX, ry, rightW, 'bold', SIZE.body);
  }

  let ly = top;
  if (d.recipients && d.recipients.length > 0) {
    font(doc, 'boldItalic', 12).text('Nơi nhận:', left, ly, { width: leftW });
    ly = doc.y;
    d.recipients.forEach((r, i) => {
      font(doc, 'regular', SIZE.small).text(`- ${nfc(r)}${i === d.recipients!.length - 1 ? '.' : ';'}`, left, ly, { width: leftW });
      ly = doc.y;
    });
    ly += 6;
  }
  if (d.qr) {
    drawQr(doc, d.qr.text, left, ly, qrSize);
    ly += qrSize + 3;
    if (d.qr.caption) {
      font(doc, 'regular', SIZE.caption).text(nfc(d.qr.caption), left, ly, { width: leftW });
      ly = doc.y;
    }
  }
  doc.x = left;
  doc.y = Math.max(ly, ry);
}

/** Page numbers from the second page on, top centre (Decree 30/2020 Appendix I). */
function pageNumbers(doc: Doc): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { margins, width } = doc.page;
    const saved = margins.top;
    doc.page.margins.top = 0;
    font(doc, 'regular', SIZE.small).text(String(i - range.start + 1), margins.left, mm(8), { width: width - margins.left - margins.right, align: 'center', lineBreak: false });
    doc.page.margins.top = saved;
  }
}

/**
 * Renders `d` to a PDF (A4, PDF 1.7, fonts embedded as subsets with ToUnicode maps). Metadata:
 * title, author (the issuer), subject and creation date (the document's date, for reproducible
 * output). Errors: RangeError for a date that does not exist.
 */
export async function renderDocument(d: OfficialDocument): Promise<Buffer> {
  if (!isIsoDate(d.date)) throw new RangeError(`not a date: ${d.date}`);
  const doc = new (pdfkit())({
    size: PAGE.size,
    margins: PAGE.margins,
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    lang: 'vi-VN',
    displayTitle: true,
    info: {
      Title: nfc(d.title),
      Author: nfc(d.meta?.author ?? d.issuer.name),
      Subject: nfc(d.meta?.subject ?? d.subject ?? d.title),
      Keywords: d.meta?.keywords ?? '',
      Creator: 'motcua',
      Producer: 'motcua (pdfkit)',
      CreationDate: new Date(`${d.date}T00:00:00+07:00`),
    },
  });
  for (const [style, name] of Object.entries(FONT_NAMES) as [FontStyle, string][]) doc.registerFont(name, fontData(style));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  heading(doc, d);
  titleBlock(doc, d);
  body(doc, d.blocks);
  if (d.signature || d.recipients || d.qr) footer(doc, d);
  pageNumbers(doc);
  doc.end();
  return done;
}
