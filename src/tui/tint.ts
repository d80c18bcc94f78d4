/**
 * `{color}` for ink's Text/Box when there is a colour, nothing otherwise (with
 * exactOptionalPropertyTypes, `color={undefined}` is not allowed). Colour is only ever a third cue
 * next to a symbol and a word.
 */
export function tint(color: string | false | null | undefined): { color?: string } {
  return color ? { color } : {};
}
