import { Box, Text } from 'ink';
import { fmt } from '../../report/format.js';
import { renderBar } from '../charts.js';
import type { SectionProps } from './SectionView.js';
import { tint } from '../tint.js';

/**
 * Placement: what the allocation ratios let in, fleet-wide and per host, as bars against what
 * each host offers (usable × ratio), and the VMs that did not fit.
 */
export default function PlacementSection({ current, baseline, width, height }: SectionProps) {
  const p = current.report.placement;
  const b = baseline?.report.placement;
  const vcpuOffered = p.pcpus * p.cpuAllocationRatio;
  const ramOffered = p.memoryUsableGiB * p.ramAllocationRatio;
  const lines: { key: string; text: string; bold?: boolean; warn?: boolean }[] = [
    {
      key: 'vcpu',
      text: `vCPUs ${p.vcpus} of ${fmt(vcpuOffered)} offered (${p.pcpus} pCPUs × ratio ${fmt(p.cpuAllocationRatio)}) · vCPU:pCPU ${fmt(p.vcpuPerPcpu)}${b ? ` (base ${fmt(b.vcpuPerPcpu)})` : ''}`,
    },
    {
      key: 'ram',
      text: `RAM ${fmt(p.memoryAllocatedGiB)} of ${fmt(ramOffered)} GiB offered (${fmt(p.memoryUsableGiB)} usable × ratio ${fmt(p.ramAllocationRatio)}) · ${fmt(p.memoryAllocatedPct)} % of usable${b ? ` (base ${fmt(b.memoryAllocatedPct)} %)` : ''}`,
    },
    { key: 'vms', text: `VMs placed ${p.vms}${b ? ` (base ${b.vms})` : ''} · unplaced ${p.unplaced}`, bold: p.unplaced > 0 },
    ...p.unplacedByGroup.map((u) => ({ key: `u-${u.group}`, text: `! ${u.count} VM${u.count === 1 ? '' : 's'} of ${u.group} did not fit (${u.reason})`, warn: true })),
  ];
  const barWidth = Math.max(6, Math.floor((width - 41) / 2));
  // Rows left under the summary for the host header and hosts (and a "more" line when they do not all fit).
  const room = Math.max(0, height - lines.length - 1);
  const hostRows = p.byHost.length <= room ? room : Math.max(0, room - 1);
  const hosts = p.byHost.slice(0, hostRows);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.map((l) => (
        <Text key={l.key} wrap="truncate-end" bold={l.bold ?? false} {...tint(l.warn && 'yellow')}>
          {l.text}
        </Text>
      ))}
      {hostRows > 0 ? (
        <Text wrap="truncate-end" bold>
          {'per host: allocated of what the ratios offer'}
        </Text>
      ) : null}
      {hosts.map((h) => {
        const vcpuCap = h.pcpus * p.cpuAllocationRatio;
        const ramCap = h.memoryUsableGiB * p.ramAllocationRatio;
        return (
          <Text key={h.name} wrap="truncate-end">
            {`${h.name.slice(0, 12).padEnd(12)} vCPU `}
            {renderBar(h.vcpus, vcpuCap, barWidth)}
            {` ${`${h.vcpus}/${Math.floor(vcpuCap)}`.padEnd(9)} RAM `}
            {renderBar(h.memoryAllocatedGiB, ramCap, barWidth)}
            {` ${fmt(ramCap > 0 ? (100 * h.memoryAllocatedGiB) / ramCap : null).padStart(6)} %`}
          </Text>
        );
      })}
      {p.byHost.length > hosts.length && hostRows > 0 ? <Text dimColor>{`… ${p.byHost.length - hosts.length} more hosts in the Hosts pane`}</Text> : null}
    </Box>
  );
}
