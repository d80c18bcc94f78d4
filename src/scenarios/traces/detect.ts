/**
 * `overcast import` without `--format`: the format told from the first input file's content, with
 * the reason, so the user sees what was assumed. Signatures are those of the formats' own files
 * (../shared/data/traces/*): esxtop's `(PDH-CSV 4.0)` first cell, sadf's `# hostname;interval;
 * timestamp` header, Bitbrains' `Timestamp [ms];` header, PlanetLab's one integer per line,
 * Alibaba 2018's `m_…`/`c_…` ids, Azure v1's 64-character VM ids; JSON is a Prometheus range query
 * (`data.resultType`), an `openstack … -f json` list or a CloudStack list response. Prometheus text
 * exposition is lines that are all `# …` comments or samples `name{labels} value [timestamp]`
 * (exposition.ts), at least one a sample. Anything else with a header line is the generic CSV,
 * whose column mapping is then guessed as usual.
 */
import { readCloudDocument, CloudInputError } from '../cloud/documents.js';
import { emptySample, parseSampleLine } from './exposition.js';

export interface Detected {
  format: string;
  because: string;
}

/** `text` is the start of `file` (all of it for JSON). Returns undefined when nothing fits. */
export function detectFormat(file: string, text: string): Detected | undefined {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as { data?: { resultType?: unknown } };
      if (parsed && typeof parsed === 'object' && parsed.data && typeof parsed.data.resultType === 'string') return { format: 'prometheus', because: `${file} is a Prometheus API response (data.resultType ${parsed.data.resultType})` };
    } catch {
      return undefined;
    }
    try {
      const doc = readCloudDocument(file, trimmed);
      return { format: doc.kind.split('-')[0]!, because: `${file} reads as ${doc.because}` };
    } catch (error) {
      if (error instanceof CloudInputError) return undefined;
      throw error;
    }
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 20);
  const first = lines[0] ?? '';
  const exposition = expositionSample(trimmed);
  if (exposition !== undefined) return { format: 'prometheus-text', because: `${file} is Prometheus text exposition (metrics as scraped from /metrics, first sample ${exposition})` };
  if (/^"?\(PDH-CSV/.test(first)) return { format: 'esxtop', because: `${file} starts with esxtop's "(PDH-CSV 4.0)" header` };
  if (/^#\s*hostname;interval;timestamp/i.test(first)) return { format: 'sadf', because: `${file} starts with sadf -d's "# hostname;interval;timestamp" header` };
  if (/^Timestamp \[ms\];/i.test(first)) return { format: 'bitbrains', because: `${file} starts with Bitbrains' "Timestamp [ms];" header` };
  if (lines.length > 0 && lines.every((l) => /^\s*\d+\s*$/.test(l))) return { format: 'planetlab', because: `${file} holds one integer per line (PlanetLab CPU %)` };
  const cells = first.split(',');
  if (/^[mc]_\d+$/.test(cells[0] ?? '')) return { format: 'alibaba-2018', because: `${file}: rows start with an Alibaba 2018 machine/container id (${cells[0]})` };
  if (cells.length === 5 && /^\d+$/.test(cells[0]!) && /^[A-Za-z0-9+/=]{64}$/.test(cells[1]!)) return { format: 'azure-v1', because: `${file}: rows are time, a 64-character VM id and three CPU figures (Azure v1 vm_cpu_readings)` };
  // A header line and a data line with the same number (≥ 2) of fields under one separator.
  const table = [',', ';', '\t'].some((sep) => lines.length >= 2 && first.split(sep).length >= 2 && first.split(sep).length === lines[1]!.split(sep).length);
  if (/[A-Za-z]/.test(first) && !first.startsWith('#') && table) return { format: 'generic', because: `${file} is a CSV with a header line and no known format's signature (generic; columns mapped from the header)` };
  return undefined;
}

/**
 * The first sample's metric name when the start of `text` reads as text exposition: every
 * non-blank line up to 20 is a comment or a sample, and one is a sample. The last line is left
 * out when the text may have been cut inside it.
 */
function expositionSample(text: string): string | undefined {
  let lines = text.split(/\r?\n/);
  if (!text.endsWith('\n') && lines.length > 1) lines = lines.slice(0, -1);
  lines = lines.filter((l) => l.trim() !== '').slice(0, 20);
  const sample = emptySample();
  let first: string | undefined;
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    if (parseSampleLine(line, sample) !== undefined) return undefined;
    first ??= sample.name;
  }
  return first;
}
