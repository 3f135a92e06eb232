// What a phone needs on top of shared/report-charts.ts's options (the printed A4 page has the room it lacks).
import type { EChartsCoreOption } from 'echarts/core';

/** A horizontal money axis on a phone has room for about three labels; ECharts would otherwise overlap them. */
export function fewerTicks(option: EChartsCoreOption): EChartsCoreOption {
  const axis = (option.xAxis ?? {}) as { axisLabel?: object };
  return { ...option, xAxis: { ...axis, splitNumber: 3, axisLabel: { ...axis.axisLabel, hideOverlap: true } } };
}

/** A phone leaves little room beside a donut: a long method name wraps instead of ending in "…". */
export function wrapPieLabels(option: EChartsCoreOption): EChartsCoreOption {
  const series = (option.series ?? []) as { label?: object }[];
  return { ...option, series: series.map((s) => ({ ...s, label: { ...s.label, overflow: 'break' } })) };
}
