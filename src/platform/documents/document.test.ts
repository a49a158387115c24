import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { placeDateLine, renderDocument, type OfficialDocument } from './index.js';

/** Every Vietnamese letter: the 12 vowels with each of the 6 tones, in both cases, and đ/Đ (NFC). */
function allVietnameseLetters(): string[] {
  const vowels = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
  const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
  const lower = vowels.flatMap((v) => tones.map((t) => (v + t).normalize('NFC')));
  return [...lower, ...lower.map((l) => l.toLocaleUpperCase('vi')), 'đ', 'Đ'];
}

async function textOf(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { totalPages, text } = await extractText(doc, { mergePages: true });
  return { pages: totalPages, text };
}

const receipt: OfficialDocument = {
  issuer: { parent: 'UBND Thành phố Hải Phòng', name: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang' },
  number: '15/GTN-TTPVHCC',
  place: 'Cẩm Giang',
  date: '2025-10-06',
  title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  subject: 'Mã hồ sơ: 10888-251006-0001',
  blocks: [
    { kind: 'paragraph', text: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang tiếp nhận hồ sơ của bà Nguyễn Thị Hoa.' },
    { kind: 'fields', rows: [{ label: 'Nội dung yêu cầu giải quyết', value: 'Đăng ký khai sinh' }, { label: 'Ngày hẹn trả kết quả', value: '07/10/2025' }] },
    { kind: 'table', columns: [{ header: 'STT', width: 0.6 }, { header: 'Tên giấy tờ', width: 5 }, { header: 'Số lượng', width: 1.2 }], rows: [['1', 'Tờ khai đăng ký khai sinh', '1'], ['2', 'Giấy chứng sinh', '1']] },
  ],
  signature: { title: 'Người tiếp nhận', name: 'Trần Văn Bình' },
  recipients: ['Người nộp hồ sơ', 'Lưu: VT'],
  qr: { text: 'https://motcua.example.vn/tra-cuu/10888-251006-0001', caption: 'Quét mã để tra cứu hồ sơ' },
};

describe('PDF documents (Decree 30/2020/NĐ-CP layout)', () => {
  it('writes the place and date line with the leading zeros of Decree 30/2020', () => {
    expect(placeDateLine('Cẩm Giang', '2025-10-06')).toBe('Cẩm Giang, ngày 06 tháng 10 năm 2025');
    expect(placeDateLine('Hải Phòng', '2026-02-17')).toBe('Hải Phòng, ngày 17 tháng 02 năm 2026');
    expect(placeDateLine('Hải Phòng', '2026-03-01')).toBe('Hải Phòng, ngày 01 tháng 3 năm 2026');
    expect(() => placeDateLine('Hải Phòng', '2026-02-29')).toThrow(RangeError);
  });

  it('renders the national heading, issuer, body, signature and recipients as extractable NFC text', async () => {
    const pdf = await renderDocument(receipt);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { pages, text } = await textOf(pdf);
    expect(pages).toBe(1);
    const lines = text.split('\n').map((l) => l.trim());
    expect(text).toBe(text.normalize('NFC'));
    for (const line of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'UBND THÀNH PHỐ HẢI PHÒNG',
      'Số: 15/GTN-TTPVHCC',
      'Cẩm Giang, ngày 06 tháng 10 năm 2025',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      'Mã hồ sơ: 10888-251006-0001',
      'Nội dung yêu cầu giải quyết: Đăng ký khai sinh',
      'NGƯỜI TIẾP NHẬN',
      '(Ký, ghi rõ họ tên)',
      'Trần Văn Bình',
      'Nơi nhận:',
      '- Người nộp hồ sơ;',
      '- Lưu: VT.',
      'Quét mã để tra cứu hồ sơ',
    ]) {
      expect(lines, line).toContain(line);
    }
    // The issuer's name wraps in its column; the words come back whole and in order.
    expect(text.replace(/\s+/g, ' ')).toContain('TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ CẨM GIANG');
    expect(text.indexOf('CỘNG HÒA')).toBeLessThan(text.indexOf('GIẤY TIẾP NHẬN'));
  });

  it('round-trips every Vietnamese letter with every tone mark', async () => {
    const letters = allVietnameseLetters();
    expect(letters).toHaveLength(146);
    const pdf = await renderDocument({ ...receipt, blocks: [{ kind: 'paragraph', text: letters.join(' '), align: 'left' }], signature: undefined, recipients: undefined, qr: undefined });
    const { text } = await textOf(pdf);
    const words = new Set(text.split(/\s+/));
    expect(letters.filter((l) => !words.has(l))).toEqual([]);
  });

  it('breaks a long table across pages, repeats its header and numbers pages from the second', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => [String(i + 1), `Hồ sơ 10888-251006-${String(i + 1).padStart(4, '0')}`, 'Đăng ký thường trú']);
    const pdf = await renderDocument({ ...receipt, title: 'Sổ theo dõi hồ sơ', blocks: [{ kind: 'table', columns: [{ header: 'STT', width: 0.6 }, { header: 'Mã hồ sơ', width: 3 }, { header: 'Thủ tục', width: 3 }], rows }] });
    const doc = await getDocumentProxy(new Uint8Array(pdf));
    const { totalPages, text } = await extractText(doc, { mergePages: false });
    expect(totalPages).toBeGreaterThanOrEqual(2);
    expect(text[1]!.split('\n').map((l) => l.trim())).toEqual(expect.arrayContaining(['2', 'STT Mã hồ sơ Thủ tục']));
    expect(text.join('\n')).toContain('Hồ sơ 10888-251006-0060');
    expect(text[0]).not.toMatch(/^1\n/);
  });

  it('draws an SVG figure with its text in the document fonts, and its caption', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100" viewBox="0 0 400 100"><rect x="10" y="40" width="300" height="20" fill="#2f5597"/><text x="10" y="30" style="font-size:14px;font-family:Noto Serif;font-weight:bold;">Xã Cẩm Hoàng – 70,0%</text><text x="320" y="55" font-family="sans-serif" font-size="12">Thị trấn Cẩm Giang</text></svg>';
    const pdf = await renderDocument({ ...receipt, blocks: [{ kind: 'figure', svg, width: 400, height: 100, caption: 'Hình 1. Tỷ lệ trực tuyến' }], signature: undefined, recipients: undefined, qr: undefined });
    const { text } = await textOf(pdf);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines).toEqual(expect.arrayContaining(['Xã Cẩm Hoàng – 70,0%', 'Thị trấn Cẩm Giang', 'Hình 1. Tỷ lệ trực tuyến']));
    // Only the document's Noto Serif faces are embedded (no Helvetica fallback for the SVG text).
    const fonts = [...pdf.toString('latin1').matchAll(/\/BaseFont \/([A-Z]{6}\+)?([\w-]+)/g)].map((m) => m[2]);
    expect([...new Set(fonts)].sort()).toEqual(['NotoSerif-Bold', 'NotoSerif-Italic', 'NotoSerif-Regular']);
  });

  it('refuses a date that does not exist', async () => {
    await expect(renderDocument({ ...receipt, date: '2025-02-29' })).rejects.toThrow(RangeError);
  });
});
