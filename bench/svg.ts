/**
 * A small dependency-free SVG bar chart of benchmark ratios (1.0 = parity), on a log scale so
 * that ratios near parity stay readable next to the 40x ones.
 */
export function ratioChartSvg(ratios: Array<{ name: string; value: number | undefined; target?: number }>): string {
  const rowH = 28;
  const left = 330;
  const width = 760;
  const barMax = width - left - 80;
  const min = 0.25;
  const max = Math.max(2, ...ratios.map((r) => r.value ?? 0)) * 1.1;
  const x = (v: number) => left + (Math.log(Math.max(v, min) / min) / Math.log(max / min)) * barMax;
  const rows = ratios
    .map((r, i) => {
      const y = 40 + i * rowH;
      const v = r.value;
      const bar =
        v === undefined
          ? `<text x="${left + 4}" y="${y + 15}" font-size="12" fill="#999">not measured</text>`
          : `<rect x="${left}" y="${y + 3}" width="${(x(v) - left).toFixed(1)}" height="${rowH - 10}" fill="${
              r.target !== undefined && v < r.target ? "#d9534f" : "#4a90d9"
            }"/><text x="${(x(v) + 6).toFixed(1)}" y="${y + 16}" font-size="12">${v.toFixed(2)}x</text>`;
      const target =
        r.target !== undefined
          ? `<line x1="${x(r.target).toFixed(1)}" x2="${x(r.target).toFixed(1)}" y1="${y + 1}" y2="${y + rowH - 3}" stroke="#333" stroke-dasharray="3,2"/>`
          : "";
      return `<text x="${left - 8}" y="${y + 16}" font-size="12" text-anchor="end">${escapeXml(r.name)}</text>${bar}${target}`;
    })
    .join("\n");
  const height = 60 + ratios.length * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<text x="${left}" y="22" font-size="14" font-weight="bold">haiku-tfjs speed ratios (training: paired medians), log scale (higher is better; dashed line = target)</text>
<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="32" y2="${height - 16}" stroke="#aaa"/>
${rows}
</svg>
`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
