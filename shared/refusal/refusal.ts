/**
 * The one refusal type. Whatever says "no" to a caller (a route's role check, a bad field, a bill
 * the policy cannot settle, a run that is not there, a budget changed meanwhile) throws a Refusal;
 * the HTTP error middleware (shared/middleware/http.ts) answers it with its status and the uniform
 * body `{ error: { code, message, details } }`, where a refused field is named in
 * `details.problems: [{ field, rule, message }]`. Pure: a domain engine throws it too.
 */

/** One offending field: its dotted path (body.visit.type), the rule it broke (zod's vocabulary), a sentence. */
export interface Problem {
  field: string;
  rule: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/** The code each status answers with, so a refusal needs only its status. */
const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
};

export class Refusal extends Error {
  readonly code: string;
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: unknown = {},
    code?: string,
  ) {
    super(message);
    this.name = 'Refusal';
    this.code = code ?? CODES[statusCode] ?? 'ERROR';
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** A refusal naming the fields at fault: the message names the first, `details.problems` lists them all. */
export function fieldRefusal(statusCode: number, problems: readonly Problem[], extra: Record<string, unknown> = {}): Refusal {
  const first = problems[0];
  return new Refusal(statusCode, first ? `${first.field}: ${first.message}` : 'refused', { problems, ...extra });
}
