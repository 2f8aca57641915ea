/** What secrets look like wherever a token is printed: JSON, util.inspect, errors, logs. */
export const REDACTED = '[redacted]';

/** Redacts a secret value, keeping the difference between "absent" and "present". */
export function redact(value: string | undefined): string | undefined {
  return value === undefined ? undefined : REDACTED;
}
