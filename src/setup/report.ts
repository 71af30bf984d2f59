// What one setup step did to one subject (the key, a node, a host key): the changes it made,
// in the order made, and what the admin should know. No changes means "already fine".

export interface StepReport {
  subject: string;
  changes: string[];
  notes: string[];
  /** Set when the step failed; changes made before the failure are still listed. */
  error?: string;
}

export function report(subject: string): StepReport {
  return { subject, changes: [], notes: [] };
}
