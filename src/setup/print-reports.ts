import * as msg from '../messages.js';
import { writeLine, type SetupState } from './setup-state.js';

/** Prints the reports waiting in the state, in order; a report with an error fails the command. */
export function printReports(state: SetupState): void {
  const { stdout, stderr } = state.ctx;
  for (const entry of state.reports) {
    if (entry.changes.length > 0 || entry.error === undefined) writeLine(stdout, msg.stepReportLine(entry.subject, entry.changes));
    for (const note of entry.notes) writeLine(stdout, msg.stepNoteLine(entry.subject, note));
    if (entry.error !== undefined) {
      writeLine(stderr, msg.stepErrorLine(entry.subject, entry.error));
      state.failed = true;
    }
  }
  state.reports = [];
}
