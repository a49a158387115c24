/**
 * PDF documents of the platform (administrative documents after Decree 30/2020/NĐ-CP): used by the
 * dossier forms, desk rosters and report exports. See {@link renderDocument}.
 */
export { pdfkit, renderDocument, placeDateLine, PAGE, type OfficialDocument, type DocumentBlock, type SignatureBlock, type Align } from './document.js';
export { fontData, fontFile, FONT_NAMES, type FontStyle } from './fonts.js';
