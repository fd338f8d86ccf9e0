// A report as a list of blocks, rendered twice: to Markdown (report.md) and to a
// self-contained HTML page (report.html). Keeping one model means the two never disagree.
// Inline text may contain `code` spans; nothing else is interpreted.

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | {
      kind: 'table';
      header: string[];
      rows: string[][];
      /** Per column; numbers read best right-aligned. */
      align?: ('left' | 'right')[];
    }
  | {
      kind: 'figure';
      caption: string;
      /** Path relative to the report, used by Markdown. */
      file: string;
      /** Inlined by HTML: an SVG document, or PNG bytes shown as a data URI. */
      svg?: string;
      png?: Buffer;
    };

export interface ReportDocument {
  title: string;
  blocks: Block[];
}
