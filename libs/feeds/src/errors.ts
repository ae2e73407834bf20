/**
 * Thrown when an input cannot be normalized into a wire item. `field` names
 * the offending field (ninjs name, or "(document)" for the whole input) so an
 * HTTP 400 or a CLI one-liner can say exactly what is wrong.
 */
export class NormalizationError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly input?: string,
  ) {
    super(`${input ? input + ': ' : ''}${field}: ${problem}`);
    this.name = 'NormalizationError';
  }
}
