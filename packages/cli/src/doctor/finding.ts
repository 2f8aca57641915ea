/** One line of `tokenstore doctor`: what was checked, and in plain words what is wrong if anything. */
export interface Finding {
  readonly check: string;
  readonly ok: boolean;
  /** "ok" details, or what is wrong and what to do about it. */
  readonly detail: string;
  /** A warning does not fail the doctor (exit 0), it is worth knowing. */
  readonly warning?: boolean;
}

export const ok = (check: string, detail: string): Finding => ({ check, ok: true, detail });
export const problem = (check: string, detail: string): Finding => ({ check, ok: false, detail });
export const warning = (check: string, detail: string): Finding => ({ check, ok: true, warning: true, detail });
