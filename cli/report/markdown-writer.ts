// Renders a ReportDocument as GitHub-flavoured Markdown.
import type { Block, ReportDocument } from './document.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${block.text}`;
    case 'paragraph':
      return block.text;
    case 'list':
      return block.items.map((i) => `- ${i}`).join('\n');
    case 'table': {
      const align = block.header.map((_, i) => (block.align?.[i] === 'right' ? '---:' : '---'));
      const lines = [`| ${block.header.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`];
      for (const row of block.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
      return lines.join('\n');
    }
    case 'figure':
      return `![${block.caption}](${encodeURI(block.file)})`;
  }
}

export function renderMarkdown(doc: ReportDocument): string {
  return `${[`# ${doc.title}`, ...doc.blocks.map(renderBlock)].join('\n\n')}\n`;
}
