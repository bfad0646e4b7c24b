// The manifest is part of the product: walkthrough steps, command ids and settings.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVER_COMMAND_EXPORT, SERVER_COMMAND_RECHECK, SERVER_COMMAND_RESET } from '../src/protocol';

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
  assert.ok(ids.every((id) => id.startsWith('roadmapCoach.ui.')));
});

test('every command the extension registers is declared, and every declared one is registered', () => {
  const source = readFileSync(join(root, 'src', 'commands.ts'), 'utf8') + readFileSync(join(root, 'src', 'roadmapView.ts'), 'utf8');
  const registered = new Set([...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]));
  registered.add('roadmapCoach.ui.openEvidence'); // registered through the OPEN_EVIDENCE constant
  const declared = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  assert.deepEqual([...declared].sort(), [...registered].sort());
});

test('the settings mirror the server contract, plus the client-only server command', () => {
  const props = manifest.contributes.configuration.properties;
  for (const key of ['storePath', 'learner', 'hints', 'disabledLessons', 'roadmapPaths', 'debounceMs', 'server.command']) {
    assert.ok(props[`roadmapCoach.${key}`], `roadmapCoach.${key} is contributed`);
  }
  assert.deepEqual(props['roadmapCoach.hints'].enum, ['all', 'milestones', 'off']);
  assert.equal(props['roadmapCoach.debounceMs'].default, 200);
});

test('settings that start programs or write files are restricted in untrusted workspaces', () => {
  const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.ok(restricted.includes('roadmapCoach.server.command'));
  assert.ok(restricted.includes('roadmapCoach.storePath'));
});
