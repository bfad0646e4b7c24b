import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildTree,
  changedContexts,
  milestoneToast,
  shortDate,
  statusText,
  stepContextKey,
  stepContexts,
  stepIdOfContextKey,
  walkthroughStepId,
  whatNext,
} from '../src/roadmapModel';
import { afterFirstRoute, checkpoint, progress, step } from './progressFixture';

test('steps are listed in roadmap order with achieved/total', () => {
  const tree = buildTree(afterFirstRoute());
  assert.deepEqual(
    tree.map((s) => [s.label, s.description]),
    [
      ['1. Master Python basics', '0/2'],
      ['2. Choose a web framework', '1/3'],
      ['4. Build RESTful APIs', '0/1'],
    ],
  );
});

test('an achieved checkpoint is ticked, dated and opens its evidence', () => {
  const web = buildTree(afterFirstRoute())[1];
  const route = web.children[0];
  assert.equal(route.state, 'achieved');
  assert.equal(route.description, '✓ 2025-11-27');
  assert.equal(route.evidence?.uri, 'file:///ws/app.py');
  assert.equal(route.evidence?.range.start.line, 5);
});

test('the tooltip says what the checkpoint teaches and names what comes next by title', () => {
  const route = buildTree(afterFirstRoute())[1].children[0];
  assert.match(route.tooltip, /^Routing a URL to a view function\./);
  assert.match(route.tooltip, /Then: Return JSON, Render a template/);
});

test('suggested next checkpoints stand out and their step starts expanded', () => {
  const tree = buildTree(afterFirstRoute());
  const template = tree[1].children[1];
  assert.equal(template.state, 'suggested');
  assert.equal(template.description, '★ next');
  assert.equal(tree[1].expanded, true);
  assert.equal(tree[0].expanded, false, 'a step with nothing suggested stays collapsed');
});

test('an open checkpoint is neither ticked nor starred', () => {
  const django = buildTree(afterFirstRoute())[1].children[2];
  assert.equal(django.state, 'open');
  assert.equal(django.description, '');
  assert.equal(django.evidence, null);
});

test('achieved wins over suggested', () => {
  const p = progress([step('git', 10, 'Git', [checkpoint('git.init', { achieved: true, suggested: true })])]);
  assert.equal(buildTree(p)[0].children[0].state, 'achieved');
});

test('a step is complete only when every checkpoint is achieved', () => {
  const done = progress([step('git', 10, 'Git', [checkpoint('git.init', { achieved: true })])]);
  assert.equal(buildTree(done)[0].complete, true);
  assert.equal(buildTree(afterFirstRoute())[1].complete, false);
  const empty = progress([step('git', 10, 'Git', [])]);
  assert.equal(buildTree(empty)[0].complete, false, 'an empty step is not complete');
});

test('tree keys are stable across refreshes so VS Code keeps expansion', () => {
  const a = buildTree(afterFirstRoute());
  const b = buildTree(afterFirstRoute());
  assert.deepEqual(
    a.flatMap((s) => [s.key, ...s.children.map((c) => c.key)]),
    b.flatMap((s) => [s.key, ...s.children.map((c) => c.key)]),
  );
  assert.equal(a[1].children[0].key, 'checkpoint:web.flask-route');
});

test('the status bar reads Roadmap achieved/total', () => {
  assert.equal(statusText(afterFirstRoute()), 'Roadmap 1/6');
  assert.equal(statusText(undefined), 'Roadmap …');
});

test('a walkthrough step is done once any of its checkpoints is achieved', () => {
  const keys = stepContexts(afterFirstRoute());
  assert.equal(keys.get('roadmapCoach.step.web-frameworks.done'), true);
  assert.equal(keys.get('roadmapCoach.step.python-basics.done'), false);
  assert.equal(stepContextKey('design-patterns'), 'roadmapCoach.step.design-patterns.done');
});

test('only changed walkthrough keys are set again', () => {
  const before = stepContexts(afterFirstRoute());
  assert.deepEqual(changedContexts(before, before), []);
  const later = afterFirstRoute();
  later.steps[1].checkpoints[0].achieved = true;
  later.steps[1].achieved = 1;
  assert.deepEqual(changedContexts(before, stepContexts(later)), [['roadmapCoach.step.python-basics.done', true]]);
  assert.equal(changedContexts(new Map(), before).length, 3, 'the first progress sets every key');
});

test('what next after a milestone lists its next checkpoints that are not achieved yet', () => {
  const items = whatNext(afterFirstRoute(), { next: [{ id: 'api.json-response', title: 'x' }, { id: 'web.flask-route', title: 'y' }] });
  assert.deepEqual(items.map((i) => [i.id, i.title, i.stepTitle]), [['api.json-response', 'Return JSON', 'Build RESTful APIs']]);
});

test('what next falls back to the server suggestions', () => {
  assert.deepEqual(whatNext(afterFirstRoute()).map((i) => i.id), ['web.flask-template', 'api.json-response']);
  const allDone = { next: [{ id: 'web.flask-route', title: 'First Flask route' }] };
  assert.deepEqual(whatNext(afterFirstRoute(), allDone).map((i) => i.id), ['web.flask-template', 'api.json-response']);
  assert.deepEqual(whatNext(undefined), []);
});

test('a milestone toast names the milestone and what it teaches; a burst shares one toast', () => {
  assert.equal(milestoneToast([{ title: 'First Flask route', teaches: 'Routing.' }]), 'Milestone reached: First Flask route — Routing.');
  const burst = ['a', 'b', 'c', 'd', 'e'].map((t) => ({ title: t, teaches: '' }));
  assert.equal(milestoneToast(burst), '5 milestones reached: a, b, c and 2 more');
});

test('dates are shown as days', () => {
  assert.equal(shortDate('2025-11-27T09:30:12.123456+00:00'), '2025-11-27');
  assert.equal(shortDate(null), '');
  assert.equal(shortDate('yesterday'), 'yesterday');
});

test('a walkthrough context key leads back to its walkthrough step', () => {
  assert.equal(stepIdOfContextKey(stepContextKey('web-frameworks')), 'web-frameworks');
  assert.equal(stepIdOfContextKey('roadmapCoach.other'), undefined);
  assert.equal(walkthroughStepId('roadmap-coach.roadmap-coach', 'git'), 'roadmap-coach.roadmap-coach#roadmap#git');
});
