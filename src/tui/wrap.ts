/**
 * Text wrapping for panes, as plain functions: whole words only, so a pane that runs out of width
 * moves a word to the next line rather than cutting it (the help, the Sensitivity tab).
 */

/** Words of `text` packed into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '' || out.length === 0) out.push(line);
  return out;
}

/** `wrapWords` with the first line after `first` and the others after `hanging` (a mark and an indent). */
export function wrapHanging(text: string, width: number, first: string, hanging: string): string[] {
  const room = Math.max(1, width - Math.max(first.length, hanging.length));
  return wrapWords(text, room).map((line, i) => `${i === 0 ? first : hanging}${line}`);
}
