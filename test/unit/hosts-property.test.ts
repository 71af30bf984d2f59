import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostSpecError } from '../../src/errors.js';
import { formatHostList, formatHostSpec, MAX_SLOTS, parseHostList, parseHostSpec, validateHostName, validateUserName } from '../../src/hosts/index.js';
import type { GlobalOption, HostList, HostOption, HostSpec } from '../../src/hosts/index.js';

const seed = Number(process.env['FC_SEED'] ?? 42);
const runs = { seed, numRuns: 1500 };

// --- valid pieces -------------------------------------------------------------------
const hostArb = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,40}$/),
    fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.')),
    fc.stringMatching(/^[a-z0-9][a-z0-9.-]{200,252}$/),
  )
  .filter((host) => host !== 'localhost');
const userArb = fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,31}$/);
const commandArb = fc.stringMatching(/^\/[A-Za-z0-9/._+-]{0,60}$/);
const limitArb = fc.integer({ min: 1, max: MAX_SLOTS });
const portArb = fc.integer({ min: 1, max: 65_535 });
const authArb = fc.oneof(
  fc.constant<HostOption>('auth'),
  hostArb.map((name): HostOption => `auth=${name}`),
);
const optionsArb: fc.Arbitrary<HostOption[]> = fc.tuple(fc.boolean(), fc.boolean(), fc.option(authArb, { nil: undefined })).chain(([lzo, cpp, auth]) => {
  const chosen: HostOption[] = [];
  if (lzo) chosen.push('lzo');
  if (lzo && cpp) chosen.push('cpp'); // cpp needs lzo
  if (auth !== undefined) chosen.push(auth);
  return fc.shuffledSubarray(chosen, { minLength: chosen.length, maxLength: chosen.length });
});

const localhostArb: fc.Arbitrary<HostSpec> = fc.record({ kind: fc.constant('localhost' as const), limit: limitArb }, { requiredKeys: ['kind'] });
const sshArb: fc.Arbitrary<HostSpec> = fc.record(
  { kind: fc.constant('ssh' as const), user: userArb, host: hostArb, limit: limitArb, command: commandArb, options: optionsArb },
  { requiredKeys: ['kind', 'host', 'options'] },
);
const tcpArb: fc.Arbitrary<HostSpec> = fc.record(
  { kind: fc.constant('tcp' as const), host: hostArb, port: portArb, limit: limitArb, options: optionsArb },
  { requiredKeys: ['kind', 'host', 'options'] },
);
const specArb = fc.oneof(localhostArb, sshArb, tcpArb);
const globalArb: fc.Arbitrary<GlobalOption> = fc.oneof(
  fc.constant({ kind: 'randomize' as const }),
  limitArb.map((value) => ({ kind: 'localslots' as const, value })),
  limitArb.map((value) => ({ kind: 'localslots_cpp' as const, value })),
);
const listArb: fc.Arbitrary<HostList> = fc
  .array(fc.oneof({ arbitrary: specArb, weight: 4 }, { arbitrary: globalArb, weight: 1 }), { maxLength: 8 })
  .map((entries) => ({ entries }));

// --- forbidden characters -------------------------------------------------------------
const SHELL_AND_SSH = [...' \t\r\n"\'$`\\;|&<>()*?![]{}%#~^=+@/:,'];
const controlArb = fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code));
const nonAsciiArb = fc.oneof(fc.integer({ min: 0x7f, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })).map((code) => String.fromCodePoint(code));
const loneSurrogateArb = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const forbiddenArb = fc.oneof(fc.constantFrom(...SHELL_AND_SSH), controlArb, nonAsciiArb, loneSurrogateArb);

function insert(into: string, at: number, ch: string): string {
  const i = at % (into.length + 1);
  return into.slice(0, i) + ch + into.slice(i);
}

function rejectsWithHostSpecError(run: () => unknown): boolean {
  try {
    run();
  } catch (error) {
    if (!(error instanceof HostSpecError)) throw error;
    // The line a user sees stays one line of printable ASCII.
    return /^[\x20-\x7e]+$/.test(error.message) && /^[\x20-\x7e]+$/.test(error.fix);
  }
  return false;
}

describe('round trip', () => {
  it('parseHostSpec(formatHostSpec(spec)) equals spec', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        expect(parseHostSpec(formatHostSpec(spec))).toEqual(spec);
      }),
      runs,
    );
  });

  it('parseHostList(formatHostList(list)) equals list', () => {
    fc.assert(
      fc.property(listArb, (list) => {
        expect(parseHostList(formatHostList(list))).toEqual(list);
      }),
      runs,
    );
  });

  it('formatting is stable: format(parse(format(x))) === format(x)', () => {
    fc.assert(
      fc.property(listArb, (list) => {
        const text = formatHostList(list);
        expect(formatHostList(parseHostList(text))).toBe(text);
      }),
      runs,
    );
  });
});

describe('rejection', () => {
  it('a host with a forbidden character anywhere is rejected', () => {
    fc.assert(
      fc.property(hostArb, fc.nat(), forbiddenArb, (host, at, ch) => {
        const bad = insert(host, at, ch);
        expect(rejectsWithHostSpecError(() => validateHostName(bad, 'host'))).toBe(true);
      }),
      runs,
    );
  });

  it('a user with a forbidden character (or an upper-case letter) anywhere is rejected', () => {
    const userForbidden = fc.oneof(forbiddenArb, fc.constantFrom(...'ABCXYZ'));
    fc.assert(
      fc.property(userArb, fc.nat(), userForbidden, (user, at, ch) => {
        const bad = insert(user, at, ch);
        expect(rejectsWithHostSpecError(() => validateUserName(bad))).toBe(true);
      }),
      runs,
    );
  });

  it('a leading "-" is rejected for hosts and users', () => {
    fc.assert(
      fc.property(hostArb, userArb, (host, user) => {
        expect(rejectsWithHostSpecError(() => validateHostName(`-${host}`, 'host'))).toBe(true);
        expect(rejectsWithHostSpecError(() => validateUserName(`-${user}`))).toBe(true);
        expect(rejectsWithHostSpecError(() => parseHostSpec(`${user}@-${host}`))).toBe(true);
      }),
      runs,
    );
  });

  // In a spec, "/ : , @" are grammar, so only characters that are never grammar apply.
  const inSpecForbidden = forbiddenArb.filter((ch) => !'/:,@'.includes(ch));

  it('an ssh spec whose host or user holds a forbidden character is rejected', () => {
    fc.assert(
      fc.property(userArb, hostArb, fc.nat(), inSpecForbidden, fc.boolean(), (user, host, at, ch, inUser) => {
        const word = inUser ? `${insert(user, at, ch)}@${host}` : `${user}@${insert(host, at, ch)}`;
        expect(rejectsWithHostSpecError(() => parseHostSpec(word))).toBe(true);
      }),
      runs,
    );
  });

  it('a TCP spec whose host holds a forbidden character is rejected', () => {
    fc.assert(
      fc.property(hostArb, fc.nat(), inSpecForbidden, (host, at, ch) => {
        expect(rejectsWithHostSpecError(() => parseHostSpec(insert(host, at, ch)))).toBe(true);
      }),
      runs,
    );
  });

  it('any text either parses as a host list or throws HostSpecError', () => {
    const textArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc
        .array(fc.constantFrom('localhost', '/', ':', ',', '@', '#', ' ', '\n', '--', 'lzo', 'cpp', 'auth=', '3632', 'a', '0', '-', '['), { maxLength: 20 })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(textArb, (text) => {
        try {
          const list = parseHostList(text);
          // Whatever was accepted formats and reads back the same.
          expect(parseHostList(formatHostList(list))).toEqual(list);
        } catch (error) {
          expect(error).toBeInstanceOf(HostSpecError);
          expect((error as HostSpecError).message).toMatch(/^[\x20-\x7e]+$/);
        }
      }),
      { seed, numRuns: 2000 },
    );
  });
});
