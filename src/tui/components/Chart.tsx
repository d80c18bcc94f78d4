import { Box, Text } from 'ink';
import { renderChart, type ChartOptions, type ChartSeries } from '../charts.js';

export interface Props extends ChartOptions {
  title: string;
  series: readonly ChartSeries[];
}

/** A titled text chart (charts.ts draws it; this only lays the lines out). */
export default function Chart({ title, series, ...options }: Props) {
  const lines = renderChart(series, options);
  return (
    <Box flexDirection="column" width={options.width}>
      <Text wrap="truncate-end" bold>
        {title}
      </Text>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
