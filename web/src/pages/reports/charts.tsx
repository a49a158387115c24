/**
 * The dashboard's charts with Apache ECharts, built from its parts only (echarts/core, the line
 * and map charts, the components used, the canvas renderer) so the chunk stays small; this module
 * is reached only from the lazily loaded dashboard page, so other pages never download it.
 */
import { useEffect, useRef } from 'react';
import { LineChart, MapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { Boundaries2D } from './api.js';

echarts.use([LineChart, MapChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

type Option = Parameters<echarts.ECharts['setOption']>[0];

/** Draws `option` into a div that follows its container's size; `onClick` gets the clicked item's name. */
function Chart({ option, height, label, onClick, className }: { option: Option; height: number; label: string; onClick?: (name: string) => void; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const el = ref.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      if (typeof p.name === 'string' && p.name) click.current?.(p.name);
    });
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} className={className} style={{ width: '100%', height }} role="img" aria-label={label} />;
}

export interface SeriesLine {
  name: string;
  percent: boolean;
  values: (number | null)[];
}

/** Lines over the time buckets: counts on the left axis, shares (0–1, shown in %) on the right. */
export function SeriesChart({ labels, lines, countAxis, shareAxis, label, lang }: { labels: string[]; lines: SeriesLine[]; countAxis: string; shareAxis: string; label: string; lang: string }) {
  const fmtCount = (v: number) => v.toLocaleString(lang);
  const fmtShare = (v: number) => `${(v * 100).toLocaleString(lang, { maximumFractionDigits: 1 })} %`;
  const option: Option = {
    aria: { enabled: true, label: { description: label } },
    color: ['#0b57d0', '#1e8e3e', '#b06000', '#a142f4', '#d93025'],
    tooltip: {
      trigger: 'axis',
      valueFormatter: undefined,
      formatter: (params: unknown) => {
        const items = params as { seriesIndex: number; seriesName: string; value: number | null; axisValueLabel: string; marker: string }[];
        const head = items[0]?.axisValueLabel ?? '';
        return [head, ...items.map((i) => `${i.marker}${i.seriesName}: <b>${i.value === null || i.value === undefined ? '–' : lines[i.seriesIndex]?.percent ? fmtShare(i.value) : fmtCount(i.value)}</b>`)].join('<br/>');
      },
    },
    legend: { type: 'scroll', bottom: 0, textStyle: { color: '#1f2533' } },
    grid: { left: 8, right: 8, top: 36, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { color: '#4a5263', hideOverlap: true } },
    yAxis: [
      { type: 'value', name: countAxis, nameTextStyle: { color: '#4a5263', align: 'left' }, minInterval: 1, axisLabel: { color: '#4a5263', formatter: fmtCount } },
      { type: 'value', name: shareAxis, nameTextStyle: { color: '#4a5263', align: 'right' }, min: 0, max: 1, axisLabel: { color: '#4a5263', formatter: (v: number) => `${Math.round(v * 100)}` }, splitLine: { show: false } },
    ],
    series: lines.map((l) => ({
      type: 'line' as const,
      name: l.name,
      yAxisIndex: l.percent ? 1 : 0,
      data: l.values,
      connectNulls: false,
      showSymbol: labels.length <= 31,
      lineStyle: l.percent ? { type: 'dashed' as const, width: 2 } : { width: 2 },
    })),
  };
  return <Chart option={option} height={320} label={label} className="reports-chart" />;
}

const registered = new Set<string>();

/**
 * A choropleth of `geo` (features joined on `properties.code`) coloured by `values` (by code);
 * `onPick` gets the code of a clicked area.
 */
export function ChoroplethMap({ geoKey, geo, values, percent, label, noData, lang, onPick }: { geoKey: string; geo: Boundaries2D; values: Map<string, number | null>; percent: boolean; label: string; noData: string; lang: string; onPick: (code: string) => void }) {
  if (!registered.has(geoKey)) {
    // Names are the codes: clicks and data join on them, whatever the spelling of the names.
    const byCode = { ...geo, features: geo.features.map((f) => ({ ...f, properties: { ...f.properties, name: f.properties.code } })) };
    echarts.registerMap(geoKey, byCode as never);
    registered.add(geoKey);
  }
  const names = new Map(geo.features.map((f) => [f.properties.code, f.properties.fullName ?? f.properties.name ?? f.properties.code]));
  const known = [...values.values()].filter((v): v is number => v !== null);
  const max = percent ? 1 : Math.max(1, ...known);
  const fmt = (v: number) => (percent ? `${(v * 100).toLocaleString(lang, { maximumFractionDigits: 1 })} %` : v.toLocaleString(lang));
  const option: Option = {
    aria: { enabled: true, label: { description: label } },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const { name, value } = p as { name: string; value: number | undefined };
        return `${names.get(name) ?? name}: <b>${typeof value === 'number' && !Number.isNaN(value) ? fmt(value) : noData}</b>`;
      },
    },
    visualMap: {
      min: 0,
      max,
      left: 8,
      bottom: 8,
      calculable: false,
      text: [fmt(max), fmt(0)],
      itemHeight: 120,
      inRange: { color: ['#e8f0fe', '#0b3d91'] },
      formatter: (v: unknown) => fmt(Number(v)),
      textStyle: { color: '#1f2533' },
    },
    series: [
      {
        type: 'map',
        map: geoKey,
        roam: true,
        // Fitted to the mainland: the archipelagos far east would make it tiny (shared/data/geo/README.md).
        boundingCoords: [
          [101.9, 23.5],
          [110.0, 8.3],
        ],
        layoutCenter: ['55%', '50%'],
        layoutSize: '95%',
        aspectScale: 0.95,
        itemStyle: { borderColor: '#7d879c', borderWidth: 0.5, areaColor: '#d7dbe3' },
        emphasis: { label: { show: false }, itemStyle: { areaColor: '#f4b400' } },
        select: { disabled: true },
        data: [...values].map(([code, v]) => ({ name: code, value: v ?? undefined })),
      },
    ],
  };
  return <Chart option={option} height={520} label={label} onClick={onPick} className="reports-map" />;
}
