import { Text } from 'ink';
import type { RunResult } from '../run-result.js';
import CpuSection from './CpuSection.js';
import IoSection from './IoSection.js';
import MemorySection, { MemoryHostBlock } from './MemorySection.js';
import NetworkSection from './NetworkSection.js';
import PlacementSection from './PlacementSection.js';

/** What every section component gets: the shown result, the baseline when comparing, its box. */
export interface SectionProps {
  current: RunResult;
  baseline: RunResult | null;
  width: number;
  height: number;
  /** Which chart to show when they do not all fit (j/k in the Charts pane). */
  chart: number;
}

/**
 * Draws a section by id (the ids are listed in sections.ts). A new report section adds its
 * component here, one line.
 */
export default function SectionView({ id, ...props }: SectionProps & { id: string }) {
  switch (id) {
    case 'cpu':
      return <CpuSection {...props} />;
    case 'memory':
      return <MemorySection {...props} />;
    case 'io':
      return <IoSection {...props} />;
    case 'network':
      return <NetworkSection {...props} />;
    case 'placement':
      return <PlacementSection {...props} />;
    default:
      return <Text>{`no view for the '${id}' section yet`}</Text>;
  }
}

/** What a section adds to the host view (Enter on a host), when it has per-host data. */
export function SectionHostBlock({ id, current, host, width, height }: { id: string; current: RunResult; host: string; width: number; height: number }) {
  switch (id) {
    case 'memory':
      return <MemoryHostBlock current={current} host={host} width={width} height={height} />;
    default:
      return null;
  }
}
