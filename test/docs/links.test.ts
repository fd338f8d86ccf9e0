// README.md and docs/**/*.md were written by many hands: every relative link, every `#anchor`
// into a Markdown file and every repository path in backticks (`runtime/run/steps.ts`) must
// name something that exists, so moving or renaming a file cannot leave the docs pointing nowhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f)),
];
const REPO_PATH = /`((?:bin|bench|cli|compiler|docs|editors|examples|grammar|runtime|scripts|test|\.ci)\/[\w./-]*)`/g;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

function anchorsIn(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return text.split('\n').filter((l) => /^#+ /.test(l)).map((l) => anchorOf(l.replace(/^#+ /, '')));
}

describe.each(DOCS)('%s', (doc) => {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const [, href] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(href)) continue; // https:, mailto:
      const [file, anchor] = href.split('#');
      const target = file === '' ? path.join(ROOT, doc) : path.join(ROOT, path.dirname(doc), file);
      if (!existsSync(target)) broken.push(`${href} (no such file)`);
      else if (anchor && target.endsWith('.md') && !anchorsIn(target).includes(anchor)) broken.push(`${href} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it('names only repository paths that exist', () => {
    const missing = [...text.matchAll(REPO_PATH)]
      .map(([, p]) => p.replace(/\/$/, ''))
      .filter((p) => !p.includes('*') && !existsSync(path.join(ROOT, p)));
    expect(missing).toEqual([]);
  });
});
