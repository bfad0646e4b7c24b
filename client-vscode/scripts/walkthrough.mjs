// Generates the walkthrough from the roadmap data in checkpoints/: one markdown page per step
// (walkthrough/<step>.md) and the `contributes.walkthroughs` entries of package.json, with the
// steps' and checkpoints' titles (never their ids), so the walkthrough, the Roadmap view and the
// reports name every step the same way. Run by `npm run build` and `npm test`.
//
//   node scripts/walkthrough.mjs            write walkthrough/*.md and package.json
//   node scripts/walkthrough.mjs --check    exit 1 when they are not up to date
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const HERE = dirname(fileURLToPath(import.meta.url));
export const EXTENSION_DIR = join(HERE, '..');
export const CHECKPOINTS_DIR = join(EXTENSION_DIR, '..', 'checkpoints');

/** The roadmap as the server loads it: steps in roadmap.toml's order, each with its checkpoints. */
export function loadRoadmap(dir = CHECKPOINTS_DIR) {
  const meta = parse(readFileSync(join(dir, 'roadmap.toml'), 'utf8'));
  const byId = new Map();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.toml') || file === 'roadmap.toml') continue;
    const data = parse(readFileSync(join(dir, file), 'utf8'));
    if (!data.step) continue;
    byId.set(data.step.id, { ...data.step, checkpoints: data.checkpoint ?? [] });
  }
  const order = meta.steps ?? [...byId.keys()];
  const steps = order.filter((id) => byId.has(id)).map((id) => byId.get(id));
  return { title: meta.title ?? 'Roadmap', short: meta.short ?? {}, steps };
}

/** A step's core checkpoints: the ids its `core` lists, else all of them. */
function coreOf(step) {
  const core = Array.isArray(step.core) ? new Set(step.core) : undefined;
  return step.checkpoints.filter((cp) => !core || core.has(cp.id));
}

function firstSentence(markdown) {
  const flat = String(markdown ?? '').replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(flat);
  return m ? m[1] : flat;
}

function bullet(cp) {
  const teaches = firstSentence(cp.teaches);
  return `- **${cp.title}**${teaches ? ` — ${teaches}` : ''}`;
}

export function stepMarkdown(step) {
  const core = coreOf(step);
  const optional = step.checkpoints.filter((cp) => !core.includes(cp));
  const lines = [`# ${step.number}. ${step.title}`, ''];
  if (step.summary) lines.push(String(step.summary).trim(), '');
  lines.push(
    optional.length > 0
      ? `This step is complete when the coach has seen these ${core.length} checkpoints in your code:`
      : 'This step is complete when the coach has seen each of these checkpoints in your code:',
    '',
    ...core.map(bullet),
  );
  if (optional.length > 0) {
    lines.push('', 'Optional, for more practice:', '', ...optional.map(bullet));
  }
  const withExample = [...core, ...optional].find((cp) => String(cp.example ?? '').trim());
  if (withExample) {
    lines.push('', `## Try this: ${withExample.title}`, '', String(withExample.example).trim());
  }
  lines.push(
    '',
    'Open the **Roadmap** view in the activity bar: **Next up** says what to do now, and a click on any checkpoint opens its page.',
    '',
  );
  return lines.join('\n');
}

/** The step's short title (`[short]` in roadmap.toml), else its full title. */
function shortTitle(roadmap, step) {
  return roadmap.short[step.id] || step.title;
}

export function walkthroughContribution(roadmap) {
  const first = roadmap.steps[0];
  const last = roadmap.steps[roadmap.steps.length - 1];
  return {
    id: 'roadmap',
    title: roadmap.title,
    description: `${roadmap.steps.length} steps: ${shortTitle(roadmap, first)} → ${shortTitle(roadmap, last)}. A step ticks itself when the coach has seen its core checkpoints in your code.`,
    steps: roadmap.steps.map((step) => {
      const core = coreOf(step);
      return {
        id: step.id,
        title: `${step.number}. ${step.title}`,
        description: `${String(step.summary ?? '').trim()}\nTicks itself when you have reached ${core.length === step.checkpoints.length ? `all ${core.length}` : `its ${core.length} core`} checkpoints.\n[Show roadmap](command:roadmapCoach.ui.showRoadmap)`,
        media: { markdown: `walkthrough/${step.id}.md` },
        completionEvents: [`onContext:roadmapCoach.step.${step.id}.done`],
      };
    }),
  };
}

/** Everything the generator writes: file path (relative to the extension) -> content. */
export function generate(dir = CHECKPOINTS_DIR, extensionDir = EXTENSION_DIR) {
  const roadmap = loadRoadmap(dir);
  const out = new Map();
  for (const step of roadmap.steps) {
    out.set(`walkthrough/${step.id}.md`, stepMarkdown(step));
  }
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
  manifest.contributes.walkthroughs = [walkthroughContribution(roadmap)];
  out.set('package.json', JSON.stringify(manifest, null, 2) + '\n');
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [rel, content] of generate()) {
    const file = join(EXTENSION_DIR, rel);
    const now = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (now === content) continue;
    stale.push(rel);
    if (!check) writeFileSync(file, content);
  }
  if (check && stale.length > 0) {
    console.error(`walkthrough out of date (run: npm run walkthrough): ${stale.join(', ')}`);
    process.exit(1);
  }
  if (!check && stale.length > 0) console.log(`walkthrough: wrote ${stale.join(', ')}`);
}
