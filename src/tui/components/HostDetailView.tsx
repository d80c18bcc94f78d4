import { Box, Text } from 'ink';
import { fmt } from '../../report/format.js';
import { HOT_READY_PCT, hostDetail, sectionsOf } from '../selectors.js';
import type { UiState } from '../state.js';
import Pane from './Pane.js';
import { SectionHostBlock } from './SectionView.js';
import { tint } from '../tint.js';

export interface Props {
  state: UiState;
  width: number;
  height: number;
}

/**
 * One host, drilled into from the host table: its capacity and allocation, its CPU numbers
 * (against the baseline when comparing) and the VMs placed on it, scrolled with j/k.
 */
export default function HostDetailView({ state, width, height }: Props) {
  const detail = hostDetail(state);
  if (!detail) {
    return (
      <Pane title={`Host ${state.detail ?? ''}`} note="Esc back" focused width={width} height={height}>
        <Text>{'this host is not in the current results'}</Text>
      </Pane>
    );
  }
  const { row } = detail;
  const current = state.current?.result;
  const base = row.baseline && row.baseline !== 'new' ? row.baseline : null;
  // Sections with per-host data (memory) get a block with a chart; the VM list takes the rest.
  const blocks = sectionsOf(state).filter((s) => s.hostBlock === true);
  const blockHeight = blocks.length > 0 ? Math.min(12, Math.max(1, Math.floor((height - 9) / 2))) : 0;
  const listHeight = Math.max(1, height - 3 - 6 - blockHeight * blocks.length + (blocks.length > 0 ? 1 : 0));
  const start = Math.min(state.detailScroll, Math.max(0, detail.vms.length - listHeight));
  const shown = detail.vms.slice(start, start + listHeight);
  return (
    <Pane title={`Host ${row.name}`} note="Esc back · j/k scroll VMs" focused width={width} height={height}>
      <Text wrap="truncate-end">
        {`${detail.pcpus} pCPUs · ${detail.vcpus} vCPUs (${fmt(row.vcpuPerPcpu)} per pCPU) · RAM ${fmt(detail.memoryAllocatedGiB)} of ${fmt(detail.memoryUsableGiB)} GiB usable (${fmt(row.ramPct)} %)`}
      </Text>
      <Text wrap="truncate-end">
        {`CPU ready % mean ${fmt(row.readyMean)} · max ${fmt(row.readyMax)} · utilisation % mean ${fmt(row.utilMean)} · max ${fmt(row.utilMax)}`}
        {base ? <Text dimColor>{` (baseline: ready mean ${fmt(base.readyMean)}, util max ${fmt(base.utilMax)})`}</Text> : row.baseline === 'new' ? <Text dimColor>{' (not in the baseline)'}</Text> : null}
      </Text>
      <Text wrap="truncate-end" {...tint(row.hot && 'red')} bold={row.hot}>
        {row.hot ? `! mean CPU ready ≥ ${HOT_READY_PCT} %: users of these VMs notice slowdowns` : `mean CPU ready below ${HOT_READY_PCT} %`}
      </Text>
      {blocks.length > 0 && current ? (
        blocks.map((b) => (
          <Box key={b.id} height={blockHeight} flexShrink={0}>
            <SectionHostBlock id={b.id} current={current} host={row.name} width={width - 2} height={blockHeight} />
          </Box>
        ))
      ) : (
        <Text wrap="truncate-end" dimColor>
          {'timelines per host: the CPU model reports fleet-wide timelines only (Charts pane); per-host sections show here when the report has them'}
        </Text>
      )}
      <Text wrap="truncate-end" bold>
        {`VMs (${detail.vms.length < detail.vmCount ? `${detail.vms.length} of ${detail.vmCount} matching /${state.filter}` : detail.vms.length}): ${detail.groups.map((g) => `${g.group} ${g.count}`).join(' · ')}${detail.vms.length > listHeight ? ` — ${start + 1}–${start + shown.length} of ${detail.vms.length}` : ''}`}
      </Text>
      <Text wrap="truncate-end" bold>{`${'VM'.padEnd(16)} ${'group'.padEnd(12)} ${'vCPUs'.padStart(5)} ${'GiB'.padStart(7)} ${'ready% mean'.padStart(11)}`}</Text>
      <Box flexDirection="column">
        {shown.map((vm) => (
          <Text key={vm.name} wrap="truncate-end">{`${vm.name.slice(0, 16).padEnd(16)} ${vm.group.slice(0, 12).padEnd(12)} ${String(vm.vcpus).padStart(5)} ${fmt(vm.memoryGiB).padStart(7)} ${fmt(vm.readyPctMean).padStart(11)}`}</Text>
        ))}
      </Box>
    </Pane>
  );
}
