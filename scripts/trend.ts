// Memory over time for the long runs (fuzzer, soak): is it flat or growing?

/** Least-squares slope of y over x; 0 with fewer than two points. */
function slope (points: Array<[number, number]>): number {
  if (points.length < 2) return 0
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) { num += (x - mx) * (y - my); den += (x - mx) ** 2 }
  return den === 0 ? 0 : num / den
}

/** MiB per minute over the second half of samples taken as [seconds, MiB]: start-up growth is left out. */
export function secondHalfTrend (samples: Array<[number, number]>): number {
  return Math.round(slope(samples.slice(Math.floor(samples.length / 2))) * 60 * 100) / 100
}
