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
    case 'facts':
      return block.rows.map(([name, value]) => `- ${name}: ${value}`).join('\n');
    case 'table': {
      const align = block.header.map((_, i) => (block.align?.[i] === 'right' ? '---:' : '---'));
      const lines = [`| ${block.header.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`];
      // A section heading is a row with its title in bold in the first cell (GFM has no row groups).
      let next = 0;
      for (const section of block.sections ?? [{ title: null, rows: block.rows.length }]) {
        if (section.title !== null) lines.push(`| **${cell(section.title)}** |${' |'.repeat(block.header.length - 1)}`);
        for (const row of block.rows.slice(next, next + section.rows)) lines.push(`| ${row.map(cell).join(' | ')} |`);
        next += section.rows;
      }
      return lines.join('\n');
    }
    case 'figure':
      return `![${block.caption}](${encodeURI(block.file)})`;
  }
}

export function renderMarkdown(doc: ReportDocument): string {
  return `${[`# ${doc.title}`, ...doc.blocks.map(renderBlock)].join('\n\n')}\n`;
}
