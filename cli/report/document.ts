// A report as a list of blocks, rendered twice: to Markdown (report.md) and to a
// self-contained HTML page (report.html). Keeping one model means the two never disagree.
// Inline text may contain `code` spans; nothing else is interpreted.

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  /** Name/value pairs (the run's identity): a table without a header row in HTML, a list in Markdown. */
  | { kind: 'facts'; rows: [string, string][] }
  | {
      kind: 'table';
      header: string[];
      rows: string[][];
      /** Per column; numbers read best right-aligned. */
      align?: ('left' | 'right')[];
      /** The first cell of each row names the row (an arm): a row header in HTML. */
      rowHeaders?: boolean;
      /**
       * Consecutive runs of rows under a heading (baselines, a sweep template), in order; their
       * counts add up to rows.length. A null title groups rows without a heading.
       */
      sections?: { title: string | null; rows: number }[];
      /** A stable name for the table (an HTML id), e.g. for tests and links. */
      id?: string;
    }
  | {
      kind: 'figure';
      caption: string;
      /** Path relative to the report, used by Markdown. */
      file: string;
      /** Inlined by HTML: an SVG document, or PNG bytes shown as a data URI. */
      svg?: string;
      png?: Buffer;
      /** A Vega spec (JSON) that HTML renders interactively in place of the SVG when scripts run. */
      vega?: unknown;
    };

export interface ReportDocument {
  title: string;
  blocks: Block[];
}
