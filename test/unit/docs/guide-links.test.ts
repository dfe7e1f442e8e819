// The guide's relative links lead somewhere: the file exists, and a #fragment names a heading
// of it (GitHub's slugs). The reference pages' links are checked the same way.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import test from 'node:test';
import { ROOT } from '../../helpers/cluster.js';
import { guidePages } from '../../helpers/doc-blocks.js';

function slugs(markdown: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const h = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (h) out.add(h[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return out;
}

test('every relative link of the guide leads to a file, and a #fragment to a heading there', () => {
  const broken: string[] = [];
  for (const page of guidePages(ROOT, true)) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1]!;
      if (/^[a-z]+:/.test(href)) continue;
      const [path, fragment] = href.split('#') as [string, string | undefined];
      const target = path === '' ? page : normalize(join(dirname(page), path));
      if (!existsSync(join(ROOT, target))) {
        broken.push(`${page}: ${href} (no ${target})`);
        continue;
      }
      if (fragment !== undefined && !statSync(join(ROOT, target)).isDirectory() && !slugs(readFileSync(join(ROOT, target), 'utf8')).has(fragment)) {
        broken.push(`${page}: ${href} (no heading #${fragment} in ${target})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
