/**
 * A domain error: a code from a service's closed set, a message for people, and the field at fault if any.
 * It carries no HTTP status, so domain code knows nothing of transport: each service maps its codes to
 * statuses in one table beside its routes, and the HTTP kit turns the error into a problem document.
 */
export class DomainError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly field: string | undefined;
  constructor(code: Code, message: string, field?: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
  }
}

export function isDomainError(error: unknown): error is DomainError<string> {
  return error instanceof DomainError;
}
