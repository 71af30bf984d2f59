import { randomInt } from 'node:crypto';

// The run's distccd listens on a port of the node's loopback that demerge picks at random.
// The range stays below Linux's ephemeral ports (32768-60999), which outgoing connections take
// for themselves, and above the well-known and registered ports daemons usually sit on
// (distccd's own 3632 included). The node tries the candidates in order and keeps the first it
// can bind, so a port some other program holds costs one retry, never a wrong connection.
export const PORT_RANGE = { min: 20000, max: 32767 } as const;

const PORT_CANDIDATES = 8;

export function candidatePorts(count = PORT_CANDIDATES, pick: (min: number, max: number) => number = randomInt): number[] {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(pick(PORT_RANGE.min, PORT_RANGE.max + 1));
  return [...ports];
}
