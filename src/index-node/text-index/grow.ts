// Growth of the index's typed arrays (every structure here is one or more of them).

export type TypedArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array | Float32Array

/** A copy of `array` at `size`, the new places holding `fill` (0 unless said). */
export function grow<T extends TypedArray> (array: T, size: number, fill?: number): T {
  const next = new (array.constructor as new (n: number) => T)(size)
  if (fill !== undefined) next.fill(fill, array.length)
  next.set(array)
  return next
}
