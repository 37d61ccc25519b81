/**
 * An alert is worked as a case: open → investigating → confirmed (with the amount to recover) or
 * dismissed. Confirmed and dismissed are final. Each change is recorded with who made it and when;
 * the caller supplies both (the domain keeps no clock).
 */
import * as z from 'zod';

export const ALERT_STATUSES = ['open', 'investigating', 'confirmed', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const NEXT_STATUSES: Readonly<Record<AlertStatus, readonly AlertStatus[]>> = {
  open: ['investigating'],
  investigating: ['confirmed', 'dismissed'],
  confirmed: [],
  dismissed: [],
};

const note = z.string().trim().min(1).max(2000);

export const transitionRequestSchema = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('investigating'), note: note.optional() }),
  /** The amount to recover from the provider (fen): what the investigation found was wrongly paid. */
  z.strictObject({ to: z.literal('confirmed'), recoveryFen: z.number().int().nonnegative().max(1e13), note: note.optional() }),
  /** A dismissal says why, so the next regulator reading the case knows. */
  z.strictObject({ to: z.literal('dismissed'), note }),
]);
export type TransitionRequest = z.infer<typeof transitionRequestSchema>;

export interface CaseChange {
  from: AlertStatus;
  to: AlertStatus;
  by: string;
  at: string;
  note?: string;
  recoveryFen?: number;
}

export type TransitionOutcome = { ok: true; change: CaseChange } | { ok: false; reason: string };

export function transition(current: AlertStatus, request: TransitionRequest, by: string, at: string): TransitionOutcome {
  if (!NEXT_STATUSES[current].includes(request.to)) {
    const allowed = NEXT_STATUSES[current];
    return {
      ok: false,
      reason: `An alert that is ${current} can ${allowed.length ? `only become ${allowed.join(' or ')}` : 'no longer change'}`,
    };
  }
  return {
    ok: true,
    change: {
      from: current,
      to: request.to,
      by,
      at,
      ...(request.note ? { note: request.note } : {}),
      ...(request.to === 'confirmed' ? { recoveryFen: request.recoveryFen } : {}),
    },
  };
}
