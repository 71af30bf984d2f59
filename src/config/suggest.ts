// "did you mean" for misspelt keys: tolerant of case, "-" vs "_" and two typos.

function normalize(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, '');
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 40) return undefined;
  const target = normalize(word);
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = distance(target, normalize(candidate));
    if (score <= 2 && (best === undefined || score < best.score)) best = { candidate, score };
  }
  return best?.candidate;
}
