// What the message files share: the [message, fix] pair and plural() (not re-exported by src/messages.ts).

/** An error's message and its fix, for DemergeError and its kin: `demerge: <message> (<fix>)`. */
export type Problem = readonly [message: string, fix: string];

export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
