import { createInterface } from 'node:readline/promises';

// Questions go to a person at a terminal and nowhere else: without one, callers refuse rather
// than guess (a pinned --fingerprint is the non-interactive way to say yes).

export interface Prompter {
  /** True when someone can answer: stdin and stderr are terminals. */
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** Lets go of the terminal; the process could not end while it is held. */
  close(): void;
}

export function terminalPrompter(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Prompter {
  // One reader for all questions: a reader closed after the first answer would drop what the
  // person already typed for the next ones.
  let reader: ReturnType<typeof createInterface> | undefined;
  return {
    interactive: input.isTTY === true && output.isTTY === true,
    async confirm(question) {
      reader ??= createInterface({ input, output });
      const answer = await reader.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    },
    close() {
      reader?.close();
      reader = undefined;
    },
  };
}

/** For scripts and tests: answers nothing, so every question is a refusal. */
export const noPrompter: Prompter = {
  interactive: false,
  confirm: async () => false,
  close: () => undefined,
};
