// The manifest is part of the product: walkthrough steps, command ids and settings.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CLIENT_COMMAND_OPEN_CHECKPOINT, SERVER_COMMAND_EXPORT, SERVER_COMMAND_RECHECK, SERVER_COMMAND_RESET } from '../src/protocol';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ROADMAP_STEPS = [
  'python-basics', 'web-frameworks', 'databases', 'rest-apis', 'security', 'testing',
  'deployment', 'practices', 'dependencies', 'git', 'design-patterns',
];

test('the walkthrough has one self-ticking step per roadmap step, in order', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.deepEqual(walkthrough.steps.map((s: { id: string }) => s.id), ROADMAP_STEPS);
  for (const s of walkthrough.steps) {
    assert.deepEqual(s.completionEvents, [`onContext:roadmapCoach.step.${s.id}.done`]);
    assert.ok(existsSync(join(root, s.media.markdown)), `${s.media.markdown} exists`);
  }
});

test('UI commands never take the ids that the language client registers for the server', () => {
  const ids: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
  for (const serverId of [SERVER_COMMAND_EXPORT, SERVER_COMMAND_RECHECK, SERVER_COMMAND_RESET]) {
    assert.ok(!ids.includes(serverId), `${serverId} is left to vscode-languageclient`);
  }
  // The one exception is the documented client command that lenses run (docs/protocol.md).
  assert.ok(ids.every((id) => id.startsWith('roadmapCoach.ui.') || id === CLIENT_COMMAND_OPEN_CHECKPOINT));
});

test('every command the extension registers is declared, and every declared one is registered', () => {
  const source = readFileSync(join(root, 'src', 'commands.ts'), 'utf8') + readFileSync(join(root, 'src', 'roadmapView.ts'), 'utf8');
  const registered = new Set([...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]));
  registered.add('roadmapCoach.ui.openEvidence'); // registered through the OPEN_EVIDENCE constant
  registered.add(CLIENT_COMMAND_OPEN_CHECKPOINT); // through OPEN_CHECKPOINT_UI
  const declared = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  assert.deepEqual([...declared].sort(), [...registered].sort());
});

test('the settings mirror the server contract, plus the client-only server command', () => {
  const props = manifest.contributes.configuration.properties;
  for (const key of ['storePath', 'learner', 'hints', 'disabledLessons', 'roadmapPaths', 'debounceMs', 'codeLens', 'server.command']) {
    assert.ok(props[`roadmapCoach.${key}`], `roadmapCoach.${key} is contributed`);
  }
  assert.deepEqual(props['roadmapCoach.hints'].enum, ['all', 'milestones', 'off']);
  assert.equal(props['roadmapCoach.debounceMs'].default, 200);
  assert.deepEqual(props['roadmapCoach.codeLens'].enum, ['milestones', 'off']);
  assert.equal(props['roadmapCoach.codeLens'].default, 'milestones');
  assert.match(props['roadmapCoach.learner'].markdownDescription, /Git's `user\.name`/);
});

test('the coach starts in any folder, before the first Python file (a learner who begins with git init)', () => {
  assert.ok(manifest.activationEvents.includes('onStartupFinished'));
  assert.ok(manifest.activationEvents.includes('workspaceContains:.git'));
});

test('"What next?" sits in the view title bar, not only in its overflow menu', () => {
  const entry = manifest.contributes.menus['view/title'].find((m: { command: string }) => m.command === 'roadmapCoach.ui.whatNext');
  assert.match(entry.group, /^navigation/);
  const hidden = manifest.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command);
  assert.ok(!hidden.includes('roadmapCoach.ui.whatNext'), 'and in the command palette');
});

test('the walkthrough is generated from checkpoints/: the same titles, never an id', async () => {
  const gen = await import(pathToFileURL(join(root, 'scripts', 'walkthrough.mjs')).href);
  const roadmap = gen.loadRoadmap();
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.deepEqual(walkthrough, gen.walkthroughContribution(roadmap), 'package.json is up to date (npm run walkthrough)');
  for (const step of roadmap.steps) {
    const s = walkthrough.steps.find((x: { id: string }) => x.id === step.id);
    assert.equal(s.title, `${step.number}. ${step.title}`);
    const page = readFileSync(join(root, s.media.markdown), 'utf8');
    assert.equal(page, gen.stepMarkdown(step), `${s.media.markdown} is up to date`);
    for (const cp of step.checkpoints) {
      assert.ok(page.includes(`**${cp.title}**`), `${cp.title} is named in ${s.media.markdown}`);
      assert.ok(!page.includes(cp.id), `${s.media.markdown} does not show the id ${cp.id}`);
    }
  }
});

test('settings that start programs or write files are restricted in untrusted workspaces', () => {
  const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.ok(restricted.includes('roadmapCoach.server.command'));
  assert.ok(restricted.includes('roadmapCoach.storePath'));
});
