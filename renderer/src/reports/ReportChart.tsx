// One ECharts chart of the reports page: SVG (crisp on a phone, the same renderer as the printable report's),
// Chinese words when the UI is Chinese, resized with its box, disposed with the component.
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { type EChartsCoreOption, type EChartsType, init, registerLocale, use } from 'echarts/core';
import langZH from 'echarts/i18n/langZH-obj.js';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only what shared/report-charts.ts draws, so the bundle carries no other chart type.
use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);
registerLocale('ZH', langZH);

export function ReportChart({
  option,
  locale,
  testId,
  label,
  height = 220,
}: {
  option: EChartsCoreOption;
  locale: string;
  testId: string;
  /** What the chart shows, for screen readers (its figures are also in the table next to it). */
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const latest = useRef(option);
  latest.current = option;
  const zh = locale.startsWith('zh');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = init(el, null, { renderer: 'svg', locale: zh ? 'ZH' : 'EN' });
    chart.current = c;
    c.setOption({ ...latest.current, animation: false });
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [zh]);

  useEffect(() => {
    chart.current?.setOption({ ...option, animation: false }, { notMerge: true });
  }, [option]);

  return (
    <div ref={box} className="report-chart" style={{ height }} data-testid={testId} role="img" aria-label={label} />
  );
}
