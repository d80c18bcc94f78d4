// A test that prints is either debugging left behind or a module writing where it should not
// (the model must never print). Fail loudly instead of letting output scroll past (zod's habit).
import { afterEach, vi } from 'vitest';

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let calls: string[] = [];

for (const method of methods) {
  vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    calls.push(`console.${method}: ${args.map(String).join(' ')}`);
  });
}

afterEach(() => {
  const seen = calls;
  calls = [];
  if (seen.length > 0) throw new Error(`unexpected console output during the test:\n${seen.join('\n')}`);
});
