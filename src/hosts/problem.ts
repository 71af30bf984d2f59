// What a validator found wrong: `reason` completes a sentence that starts with the culprit
// (`host "x" <reason>`), so each caller can name the culprit in its own context.
export interface Problem {
  reason: string;
  fix: string;
}
