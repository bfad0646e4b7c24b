import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildNextUp,
  buildTree,
  changedContexts,
  evidencePlace,
  milestoneToast,
  shortDate,
  statusText,
  statusTooltip,
  stepContextKey,
  stepContexts,
  stepIdOfContextKey,
  stepsComplete,
  walkthroughStepId,
  whatNext,
} from '../src/roadmapModel';
import { afterFirstRoute, checkpoint, progress, step, withOpenLesson } from './progressFixture';

test('step rows put the count first and the short title after it, in roadmap order', () => {
  const tree = buildTree(afterFirstRoute());
  assert.deepEqual(
    tree.map((s) => [s.label, s.description]),
    [
      ['0/2 Python basics', ''],
      ['1/3 Web frameworks', ''],
      ['0/1 REST APIs', ''],
    ],
  );
});

test('a step row fits the default sidebar width: no full title and no date in the label', () => {
  for (const s of buildTree(withOpenLesson())) {
    assert.ok(s.label.length <= 24, `"${s.label}" is short`);
    assert.doesNotMatch(s.label, /\d{4}-\d{2}-\d{2}/);
  }
});

test('the step tooltip has the one full title, its state and the dates of what was reached', () => {
  const web = buildTree(afterFirstRoute())[1];
  assert.match(web.tooltip, /^\*\*2\. Choose a web framework\*\*/);
  assert.match(web.tooltip, /Started: 1 of 3 checkpoints reached/);
  assert.match(web.tooltip, /✓ First Flask route \(2025-11-27\)/);
});

test('step icons follow the server state: not started, started, complete', () => {
  const p = progress([
    step('git', 10, 'Git', [checkpoint('git.init', { achieved: true })]),
    step('testing', 6, 'Testing', [checkpoint('test.pytest', { achieved: true }), checkpoint('test.fixture')]),
    step('deployment', 7, 'Deployment', [checkpoint('deploy.dockerfile')]),
  ]);
  assert.deepEqual(buildTree(p).map((s) => [s.id, s.state]), [
    ['testing', 'started'],
    ['deployment', 'not-started'],
    ['git', 'complete'],
  ]);
});

test('a step is complete when its core checkpoints are, as the server says (optional ones aside)', () => {
  const p = progress([
    step('databases', 3, 'Databases', [
      checkpoint('db.sql-query', { achieved: true }),
      checkpoint('db.redis', { core: false }),
    ]),
  ]);
  const [row] = buildTree(p);
  assert.equal(row.state, 'complete');
  assert.equal(row.label, '1/2 Databases');
  assert.equal(row.children[1].description, 'optional');
  assert.equal(stepsComplete(p), 1);
  // The server's word wins over counting: a state the client could not derive is kept.
  p.steps[0].state = 'started';
  assert.equal(buildTree(p)[0].state, 'started');
});

test('an achieved checkpoint is ticked and its day is in the tooltip, not the row', () => {
  const route = buildTree(afterFirstRoute())[1].children[0];
  assert.equal(route.state, 'achieved');
  assert.equal(route.description, '');
  assert.match(route.tooltip, /✓ Reached 2025-11-27 · app\\\.py:6/);
  assert.equal(route.evidence?.uri, 'file:///ws/app.py');
});

test('the checkpoint tooltip is markdown: bold title, what it teaches, what comes next, how to open its page', () => {
  const route = buildTree(afterFirstRoute())[1].children[0];
  assert.match(route.tooltip, /^\*\*First Flask route\*\*\n\nRouting a URL to a view function\./);
  assert.match(route.tooltip, /Then: Return JSON, Render a template/);
  assert.match(route.tooltip, /Click to open its page/);
});

test('with the server ranking, only the ranked checkpoints are starred and their steps expanded', () => {
  const tree = buildTree(withOpenLesson());
  const starred = tree.flatMap((s) => s.children.filter((c) => c.state === 'suggested').map((c) => c.id));
  assert.deepEqual(starred.sort(), ['api.json-response', 'web.flask-template']);
  assert.equal(tree.find((s) => s.id === 'web-frameworks')?.expanded, true);
  assert.equal(tree.find((s) => s.id === 'python-basics')?.expanded, false);
});

test('an older server without nextUp: its suggestions are starred', () => {
  const tree = buildTree(afterFirstRoute());
  assert.equal(tree[1].children[1].state, 'suggested');
  assert.equal(tree[1].children[2].state, 'open');
});

test('"Next up" lists the server ranking, the open security lesson first, opening its line', () => {
  const section = buildNextUp(withOpenLesson());
  assert.ok(section);
  assert.equal(section.label, 'Next up');
  assert.deepEqual(section.children.map((r) => [r.item.kind, r.label, r.description]), [
    ['lesson', 'Fix the warning at db.py:26 (SQL built from strings)', 'RC301'],
    ['checkpoint', 'Return JSON', 'REST APIs'],
    ['checkpoint', 'Render a template', 'Web frameworks'],
  ]);
  assert.equal(section.children[0].item.evidence?.range.start.line, 25);
});

test('no "Next up" section when the server has nothing to suggest', () => {
  assert.equal(buildNextUp(progress([], [])), undefined);
});

test('"What next?" uses the same ranking as the view, in plain text', () => {
  const items = whatNext(withOpenLesson());
  assert.deepEqual(items.map((i) => [i.kind, i.id, i.description]), [
    ['lesson', 'RC301', 'db.py:26'],
    ['checkpoint', 'api.json-response', 'REST APIs'],
    ['checkpoint', 'web.flask-template', 'Web frameworks'],
  ]);
  assert.equal(items[1].detail, 'jsonify and content types.');
  assert.deepEqual(whatNext(undefined), []);
  const fromToast = whatNext(undefined, [{ kind: 'checkpoint', id: 'x', title: 'Use `x`' }]);
  assert.deepEqual(fromToast.map((i) => i.title), ['Use x']);
});

test('the status bar shows checkpoints and complete steps; its tooltip the same counts and "Next up"', () => {
  const p = withOpenLesson();
  assert.equal(statusText(p), 'Roadmap 2/9 · steps 1/5');
  assert.equal(statusText(undefined), 'Roadmap …');
  const tip = statusTooltip(p);
  assert.match(tip, /2 of 9 checkpoints reached · 1 of 5 steps complete, 1 started/);
  assert.match(tip, /1\. Fix the warning at db\\\.py:26 \\\(SQL built from strings\\\)/);
  assert.match(tip, /\[What next\?\]\(command:roadmapCoach\.ui\.whatNext\)/);
});

test('a walkthrough step is done when the server says the step is complete', () => {
  const keys = stepContexts(withOpenLesson());
  assert.equal(keys.get('roadmapCoach.step.git.done'), true);
  assert.equal(keys.get('roadmapCoach.step.web-frameworks.done'), false, 'started is not done');
  assert.equal([...keys.values()].filter(Boolean).length, stepsComplete(withOpenLesson()));
  assert.equal(stepContextKey('design-patterns'), 'roadmapCoach.step.design-patterns.done');
});

test('only changed walkthrough keys are set again', () => {
  const before = stepContexts(afterFirstRoute());
  assert.deepEqual(changedContexts(before, before), []);
  const later = afterFirstRoute();
  later.steps[2].state = 'complete';
  assert.deepEqual(changedContexts(before, stepContexts(later)), [['roadmapCoach.step.rest-apis.done', true]]);
  assert.equal(changedContexts(new Map(), before).length, 3, 'the first progress sets every key');
});

test('a milestone toast is plain text: the server text, else title and what it teaches without markdown', () => {
  assert.equal(
    milestoneToast([{ title: 'Your first SQL query', teaches: 'Use `sqlite3`, **not** strings.' }]),
    'Milestone reached: Your first SQL query — Use sqlite3, not strings.',
  );
  assert.equal(
    milestoneToast([{ title: 'x', teaches: 'y', text: 'Milestone reached: x — now fix the warning on this line (db.py:26)' }]),
    'Milestone reached: x — now fix the warning on this line (db.py:26)',
  );
  const burst = ['a', 'b', 'c', 'd', 'e'].map((t) => ({ title: t, teaches: '' }));
  assert.equal(milestoneToast(burst), '5 milestones reached: a, b, c and 2 more');
});

test('dates are shown as days and places as file:line', () => {
  assert.equal(shortDate('2025-11-27T09:30:12.123456+00:00'), '2025-11-27');
  assert.equal(shortDate(null), '');
  assert.equal(shortDate('yesterday'), 'yesterday');
  assert.equal(evidencePlace({ uri: 'file:///ws/my%20app/db.py', range: { start: { line: 25, character: 0 }, end: { line: 25, character: 1 } } }), 'db.py:26');
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

test('a walkthrough context key leads back to its walkthrough step', () => {
  assert.equal(stepIdOfContextKey(stepContextKey('web-frameworks')), 'web-frameworks');
  assert.equal(stepIdOfContextKey('roadmapCoach.other'), undefined);
  assert.equal(walkthroughStepId('roadmap-coach.roadmap-coach', 'git'), 'roadmap-coach.roadmap-coach#roadmap#git');
});
