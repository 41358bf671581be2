import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { BarChart, FunnelChart, GaugeChart, HeatmapChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, GaugeChart, HeatmapChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export const PALETTE = ['#2f6fde', '#1aa39a', '#f2a93b', '#e0575b', '#7c5cd6', '#4bb0e8', '#8fb33f', '#c46fb4', '#6b7a90', '#d98a4a'];

export type EChartsOption = echarts.EChartsCoreOption;

// Tooltips as plain text: the default tooltip markup carries inline style attributes, which the strict CSP refuses.
const textTooltip = {
  confine: true,
  formatter: (p: { name?: string; seriesName?: string; value?: unknown } | { name?: string; seriesName?: string; value?: unknown }[]) => {
    const list = Array.isArray(p) ? p : [p];
    const lines = list.map((item) => `${item.seriesName && list.length > 1 ? `${item.seriesName}: ` : ''}${Array.isArray(item.value) ? item.value[item.value.length - 1] : String(item.value)}`);
    return `${list[0]?.name ?? ''}<br>${lines.join('<br>')}`;
  },
};

/** An ECharts canvas. Hidden from assistive technology: the figure's table holds the same numbers. */
function Canvas({ option, height }: { option: EChartsOption; height: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      color: PALETTE,
      // A real family list: a canvas font cannot 'inherit' (an invalid font silently falls back to 10px).
      textStyle: { fontFamily: "Inter, 'Segoe UI', system-ui, -apple-system, Arial, sans-serif", fontSize: 12 },
      tooltip: textTooltip,
      animation: false,
      ...option,
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [JSON.stringify(option)]);
  return <div class="chart-canvas" ref={ref} aria-hidden="true" data-height={height} style={{ height: `${height}px` }} />;
}

export type Column<Row> = { header: string; cell: (row: Row) => ComponentChildren; numeric?: boolean; rowHeader?: boolean };

/** A data table with a caption; the first column (or the one marked rowHeader) heads its row. */
export function DataTable<Row>({ caption, columns, rows, scroll, hideCaption }: { caption: string; columns: Column<Row>[]; rows: readonly Row[]; scroll?: boolean; hideCaption?: boolean }) {
  const table = (
    <table>
      <caption class={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" class={c.numeric ? 'num' : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={columns.length} class="empty">
              No data
            </td>
          </tr>
        ) : (
          rows.map((row) => (
            <tr>
              {columns.map((c, i) =>
                c.rowHeader || (i === 0 && !columns.some((x) => x.rowHeader)) ? (
                  <th scope="row" class={c.numeric ? 'num' : undefined}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td class={c.numeric ? 'num' : undefined}>{c.cell(row)}</td>
                ),
              )}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
  // A scrolling region must be reachable by keyboard: it takes focus and is named by the table's caption.
  return scroll ? (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      {table}
    </div>
  ) : (
    table
  );
}

/** A chart with its caption and a table holding the same numbers, captioned the same. */
export function ChartFigure<Row>(props: { caption: string; option: EChartsOption; columns: Column<Row>[]; rows: readonly Row[]; height?: number; scroll?: boolean; wide?: boolean }) {
  return (
    <figure class={`card chart${props.wide ? ' wide' : ''}`}>
      <figcaption>{props.caption}</figcaption>
      <Canvas option={props.option} height={props.height ?? 260} />
      <DataTable caption={props.caption} columns={props.columns} rows={props.rows} scroll={props.scroll} hideCaption />
    </figure>
  );
}
