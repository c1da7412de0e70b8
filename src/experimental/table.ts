/**
 * A minimal port of the `tabulate` package's `"grid"` and `"github"` formats (what Haiku's
 * `tabulate` prints with), with multi-line cells.
 */

/** Column alignment. */
export type Align = "left" | "right";

/** Table formats of `tabulate`: `"grid"` (Haiku's default) or `"github"` (Markdown). */
export type TableFormat = "grid" | "github";

// tabulate's MIN_PADDING: headers get two extra columns of room.
const MIN_PADDING = 2;

function pad(s: string, width: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, width - [...s].length));
  return align === "right" ? fill + s : s + fill;
}

/**
 * Renders rows of string cells (cells may contain newlines) under `headers`, e.g.
 * `renderTable([["a", "1"]], ["Name", "N"], ["left", "right"])`.
 *
 * @internal
 */
export function renderTable(
  rows: readonly (readonly string[])[],
  headers: readonly string[],
  align: readonly Align[],
  format: TableFormat = "grid",
): string {
  const lines = (s: string): string[] => s.split("\n");
  const width = (s: string): number => [...s].length;
  const widths = headers.map((h, c) =>
    Math.max(width(h) + MIN_PADDING, ...rows.map((r) => Math.max(0, ...lines(r[c] ?? "").map(width)))),
  );
  const renderRow = (cells: readonly string[]): string[] => {
    const split = cells.map(lines);
    const height = Math.max(1, ...split.map((l) => l.length));
    const out: string[] = [];
    for (let i = 0; i < height; i++) {
      const parts = widths.map((w, c) => pad(split[c]?.[i] ?? "", w, align[c] ?? "left"));
      out.push(`| ${parts.join(" | ")} |`);
    }
    return out;
  };
  if (format === "github") {
    const sep = `|${widths.map((w, c) => (align[c] === "right" ? "-".repeat(w + 1) + ":" : ":" + "-".repeat(w + 1))).join("|")}|`;
    return [...renderRow(headers), sep, ...rows.flatMap(renderRow)].join("\n");
  }
  const rule = (ch: string): string => `+${widths.map((w) => ch.repeat(w + 2)).join("+")}+`;
  const out = [rule("-"), ...renderRow(headers), rule("=")];
  rows.forEach((r) => {
    out.push(...renderRow(r), rule("-"));
  });
  return out.join("\n");
}
