/**
 * Charts of the report exports, drawn on the server with Apache ECharts in its server-side SVG
 * mode (`echarts.init(null, null, { renderer: 'svg', ssr: true })`, see
 * https://echarts.apache.org/handbook/en/how-to/cross-platform/server/). The SVG goes into the
 * PDF as vector graphics (src/platform/documents, block `figure`) and into the workbook as a PNG
 * rasterised by resvg ({@link chartPng}), both with the Noto Serif fonts of
 * src/platform/documents/fonts.ts, so Vietnamese letters render the same on every machine.
 *
 * ECharts measures text to lay out labels; without a canvas it would guess widths (every
 * non-ASCII letter as wide as the font size). This module gives it the real Noto Serif widths
 * (through pdfkit's font metrics) with `echarts.setPlatformAPI`, once per process: the server
 * draws no other ECharts charts (the web client measures in the browser).
 */
import { FONT_NAMES, fontData, fontFile, pdfkit, type FontStyle } from '../platform/documents/index.js';
import { lazyRequire } from '../platform/lazy.js';

// Loaded on first use: a process that draws no chart does not carry them (see lazyRequire).
const echarts = lazyRequire<typeof import('echarts')>('echarts');
const resvg = lazyRequire<typeof import('@resvg/resvg-js')>('@resvg/resvg-js');

/** The font family the charts name; the PDF maps every family to the registered Noto Serif. */
export const CHART_FONT = 'Noto Serif';

/** Chart geometry in SVG pixels (CSS px). */
const WIDTH = 640;
const PAD = 12;
const TITLE_SIZE = 14;
const TITLE_LINE = 20;
const LABEL_SIZE = 12;
const AXIS_SIZE = 11;
const ROW = 26;
const AXIS_BAND = 30;
const BAR_COLOR = '#2f5597';

let measurer: PDFKit.PDFDocument | null = null;

/** Width of `text` in Noto Serif at the CSS font `font` ("bold 14px Noto Serif"), in px. */
export function measureText(text: string, font: string = `${LABEL_SIZE}px ${CHART_FONT}`): number {
  if (!measurer) {
    measurer = new (pdfkit())({ autoFirstPage: false });
    for (const [style, name] of Object.entries(FONT_NAMES) as [FontStyle, string][]) measurer.registerFont(name, fontData(style));
  }
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? LABEL_SIZE);
  const bold = /\bbold(er)?\b|\b[6-9]00\b/.test(font);
  const italic = /\b(italic|oblique)\b/.test(font);
  const style: FontStyle = bold && italic ? 'boldItalic' : bold ? 'bold' : italic ? 'italic' : 'regular';
  return measurer.font(FONT_NAMES[style]).fontSize(size).widthOfString(text);
}

let platformSet = false;
function usePdfMetrics(): void {
  if (platformSet) return;
  echarts().setPlatformAPI({ measureText: (text: string, font?: string) => ({ width: measureText(text, font) }) });
  platformSet = true;
}

/**
 * Word wrap of `text` into lines no wider than `width` px at `font`: at the last " – " that leaves
 * a first line that fits (so "…tháng 02/2023 –" / "các đơn vị trực thuộc Tỉnh Hải Dương" keeps the
 * unit's name whole), otherwise greedily between words.
 */
function wrap(text: string, width: number, font: string): string[] {
  if (measureText(text, font) <= width) return [text];
  for (let at = text.lastIndexOf(' – '); at > 0; at = text.lastIndexOf(' – ', at - 1)) {
    const head = text.slice(0, at + 2);
    if (measureText(head, font) <= width) return [head, ...wrap(text.slice(at + 3), width, font)];
  }
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measureText(next, font) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export interface BarChartInput {
  /** The title over the chart (wrapped to the chart's width). */
  title: string;
  /** Bar labels (unit names), drawn top to bottom in this order. */
  labels: string[];
  /** One value per label; null draws no bar. */
  values: (number | null)[];
  /** How a value is written, on the bars and the axis (e.g. "617.000", "70,0%"). */
  format: (value: number) => string;
  /** Upper end of the value axis (e.g. 1 for a share, 25 for "x of 25"); default from the data. */
  max?: number;
}

export interface RenderedChart {
  /** The SVG document (ECharts server-side rendering), `width` × `height` px. */
  svg: string;
  width: number;
  height: number;
  title: string;
}

/**
 * A horizontal bar chart of `labels` against `values` (the ranking of the units below a report's
 * unit): one bar per label in the given order, top to bottom, the formatted value at each bar's
 * end, a value axis below, the title above. 640 px wide; 26 px per bar plus the title and axis.
 * Returns null when there is no label or every value is null (nothing to draw).
 */
export function barChartSvg(input: BarChartInput): RenderedChart | null {
  if (input.labels.length === 0 || input.values.every((v) => v === null)) return null;
  usePdfMetrics();
  const titleFont = `bold ${TITLE_SIZE}px ${CHART_FONT}`;
  const labelFont = `${LABEL_SIZE}px ${CHART_FONT}`;
  const titleLines = wrap(input.title.normalize('NFC'), WIDTH - 2 * PAD, titleFont);
  const labels = input.labels.map((l) => l.normalize('NFC'));
  const labelWidth = Math.ceil(Math.max(...labels.map((l) => measureText(l, labelFont))));
  // The right margin holds the value after the longest bar (and half the last axis label).
  const valueWidth = Math.ceil(Math.max(...input.values.map((v) => (v === null ? 0 : measureText(input.format(v), labelFont)))));
  const top = PAD + titleLines.length * TITLE_LINE + 10;
  const height = top + labels.length * ROW + AXIS_BAND;
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: CHART_FONT },
      title: {
        text: titleLines.join('\n'),
        left: PAD,
        top: PAD,
        padding: 0,
        textStyle: { fontFamily: CHART_FONT, fontSize: TITLE_SIZE, fontWeight: 'bold', lineHeight: TITLE_LINE, color: '#000000' },
      },
      grid: { left: PAD + labelWidth + 8, right: PAD + valueWidth + 6, top, bottom: AXIS_BAND, containLabel: false },
      xAxis: {
        type: 'value',
        min: 0,
        ...(input.max !== undefined ? { max: input.max } : {}),
        splitNumber: 5,
        axisLabel: { fontFamily: CHART_FONT, fontSize: AXIS_SIZE, color: '#333333', formatter: (v: number) => input.format(v) },
        splitLine: { lineStyle: { color: '#d9d9d9' } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: labels,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#333333' } },
        axisLabel: { fontFamily: CHART_FONT, fontSize: LABEL_SIZE, color: '#000000', interval: 0, margin: 8 },
      },
      series: [
        {
          type: 'bar',
          data: input.values,
          barMaxWidth: 16,
          itemStyle: { color: BAR_COLOR },
          label: { show: true, position: 'right', fontFamily: CHART_FONT, fontSize: LABEL_SIZE, color: '#000000', textBorderWidth: 0, formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? input.format(p.value) : '') },
        },
      ],
    });
    return { svg: chart.renderToSVGString(), width: WIDTH, height, title: input.title };
  } finally {
    chart.dispose();
  }
}

/** Pixels per SVG px of {@link chartPng}: twice the size, sharp when the sheet is zoomed or printed. */
export const PNG_SCALE = 2;

/**
 * The chart as a PNG of `width × PNG_SCALE` by `height × PNG_SCALE` pixels on white, rasterised by
 * resvg with the Noto Serif files only (system fonts are not loaded, so the output does not
 * depend on the machine).
 */
export function chartPng(chart: RenderedChart): Buffer {
  const image = new (resvg().Resvg)(chart.svg, {
    background: '#ffffff',
    fitTo: { mode: 'width', value: chart.width * PNG_SCALE },
    font: { loadSystemFonts: false, fontFiles: (['regular', 'bold', 'italic', 'boldItalic'] as const).map(fontFile), defaultFontFamily: CHART_FONT, serifFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
  });
  return image.render().asPng();
}
