/**
 * Progress on stderr for long runs: one line rewritten in place on a terminal; nothing when
 * stderr is a pipe or a CI log (the report on stdout is what matters there), or with --quiet.
 */
import type { OutputStream } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  done(summary?: string): void;
}

export function createProgress(stderr: OutputStream, label: string, enabled: boolean): Progress {
  if (!enabled || !stderr.isTTY) return { update: () => {}, done: () => {} };
  const started = Date.now();
  let shown = false;
  return {
    update(done, total) {
      const elapsed = (Date.now() - started) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
      const etaText = Number.isFinite(eta) && done < total ? `, about ${Math.ceil(eta)} s left` : '';
      stderr.write(`\r\x1b[2K${label} ${done}/${total}${etaText}`);
      shown = true;
    },
    done(summary) {
      if (shown) stderr.write('\r\x1b[2K');
      if (summary) stderr.write(`${summary}\n`);
    },
  };
}
