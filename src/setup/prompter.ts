import { createInterface } from 'node:readline';
import { createInterface as createPromiseInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

// Questions go to a person at a terminal and nowhere else: without one, callers refuse rather
// than guess (a pinned --fingerprint is the non-interactive way to say yes).

export interface Prompter {
  /** True when someone can answer: stdin and stderr are terminals. */
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** A line typed without echo (a passphrase); undefined when the person gave up (Ctrl-C, Ctrl-D). */
  secret(question: string): Promise<string | undefined>;
  /** Lets go of the terminal; the process could not end while it is held. */
  close(): void;
}

export function terminalPrompter(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Prompter {
  // One reader for all questions: a reader closed after the first answer would drop what the
  // person already typed for the next ones.
  let reader: ReturnType<typeof createPromiseInterface> | undefined;
  return {
    interactive: input.isTTY === true && output.isTTY === true,
    async confirm(question) {
      reader ??= createPromiseInterface({ input, output });
      const answer = await reader.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    },
    secret(question) {
      // A reader of its own whose echo goes nowhere: the terminal shows the question, never
      // what is typed. (The confirming reader is let go first: two readers would share the keys.)
      reader?.close();
      reader = undefined;
      output.write(question);
      const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
      const line = createInterface({ input, output: silent, terminal: true });
      return new Promise((resolve) => {
        let answered = false;
        const finish = (answer: string | undefined): void => {
          if (answered) return;
          answered = true;
          output.write('\n');
          line.close();
          resolve(answer);
        };
        line.once('line', (answer) => finish(answer));
        line.once('SIGINT', () => finish(undefined));
        line.once('close', () => finish(undefined));
      });
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
  secret: async () => undefined,
  close: () => undefined,
};
