// Typed-array helpers shared by the table's columns.

/** Any typed array the table uses as a column. */
export type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A copy of `column` with room for `size` entries, the new ones set to `fill`. */
export function grown<T extends Column>(column: T, size: number, fill = 0): T {
  const next = new (column.constructor as new (size: number) => T)(size);
  next.set(column);
  if (fill !== 0) next.fill(fill, column.length);
  return next;
}

/** Marks "no slot" in every slot-valued column. */
export const NONE = -1;
