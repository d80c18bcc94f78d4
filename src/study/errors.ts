/**
 * Problems with what the user asked a study to do (a bad `--vary`, a shard file from another
 * study, a scenario that fails validation at a sweep point). The CLI prints the message and exits
 * with the usage code; anything else escaping the study layer is a bug.
 */
export class StudyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StudyInputError';
  }
}
