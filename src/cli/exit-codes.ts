/** Exit codes, as scripts and CI gates rely on them. */
export const EXIT_OK = 0;
/** An unexpected internal error (a bug): reported with a hint to file an issue. */
export const EXIT_INTERNAL = 1;
/** Bad input or usage: a wrong scenario, option or file. */
export const EXIT_USAGE = 2;
/** The run finished but an SLO was breached and `--fail-on-slo` was given. */
export const EXIT_SLO = 3;

/** Raised for problems the user can fix; the CLI prints the message and exits with EXIT_USAGE. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
