// Edit distance for matching what people type against the SMS keywords. Written here rather than taken
// from npm: no edit-distance package is a dependency (fast-levenshtein and leven are only in the tree for
// eslint and jest), both count a swapped pair of letters ("PASSWROD") as two edits where a thumb on a
// keypad makes one, and the strings compared are a few letters long, so a full table costs nothing.

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein without edits of an already edited substring):
 * insertions, deletions, substitutions and swaps of two adjacent letters each count one.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
