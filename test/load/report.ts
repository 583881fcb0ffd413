export interface TargetRow {
  figure: string;
  measured: string;
  target: string;
  /** Undefined when the phase did not run or measured nothing. */
  met: boolean | undefined;
  note?: string;
}

/** The peak's targets: each figure as measured in this run, its target, and whether it was met. */
export function printTargets(rows: TargetRow[]): void {
  const cells = rows.map((row) => [
    row.figure,
    row.measured,
    row.target,
    row.met === undefined ? 'n/a' : row.met ? 'yes' : 'NO',
    row.note ?? '',
  ]);
  const header = ['figure', 'measured', 'target', 'met', 'note'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] ?? '').length)),
  );
  const line = (cell: string[]) =>
    `  | ${cell.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const cell of cells) console.log(line(cell));
}
