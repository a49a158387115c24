/**
 * The typeface of generated PDF documents: Noto Serif (SIL Open Font License 1.1), shipped as
 * TrueType through the npm package `@expo-google-fonts/noto-serif`. It has every Vietnamese
 * letter with its tone marks as precomposed glyphs (Latin Extended Additional, U+1EA0–U+1EF9) and
 * is a serif face like the Times New Roman that Decree 30/2020/NĐ-CP Appendix I prescribes for
 * administrative documents (whose own licence forbids shipping it). pdfkit embeds only the glyphs
 * used, with a ToUnicode map, so the text of a document can be searched and extracted.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

const FILES: Record<FontStyle, string> = {
  regular: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf',
  italic: '@expo-google-fonts/noto-serif/400Regular_Italic/NotoSerif_400Regular_Italic.ttf',
  boldItalic: '@expo-google-fonts/noto-serif/700Bold_Italic/NotoSerif_700Bold_Italic.ttf',
};

const loaded = new Map<FontStyle, Buffer>();

/**
 * The absolute path of a style's TrueType file, for renderers that load fonts from files (e.g.
 * resvg rasterising a chart with `fontFiles`). Throws when the font package is not installed.
 */
export function fontFile(style: FontStyle): string {
  return require.resolve(FILES[style]);
}

/** The TrueType file of a style, read once per process. */
export function fontData(style: FontStyle): Buffer {
  let data = loaded.get(style);
  if (!data) {
    data = fs.readFileSync(fontFile(style));
    loaded.set(style, data);
  }
  return data;
}

/** pdfkit font names registered by the document builder. */
export const FONT_NAMES: Record<FontStyle, string> = {
  regular: 'NotoSerif',
  bold: 'NotoSerif-Bold',
  italic: 'NotoSerif-Italic',
  boldItalic: 'NotoSerif-BoldItalic',
};
