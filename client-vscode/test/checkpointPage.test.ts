import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkpointIdOf, commandUri, evidenceLineOf, pageFromProgress, pageHtml } from '../src/checkpointPage';
import { reportCsp } from '../src/report';
import { afterFirstRoute } from './progressFixture';

const CSP = reportCsp('vscode-resource:');

test('an unreached checkpoint has a page too: what it teaches, example, next and links', () => {
  const p = afterFirstRoute();
  const cls = p.steps.flatMap((s) => s.checkpoints).find((c) => c.id === 'basics.class')!;
  cls.example = '```python\nclass Shop:\n    pass\n```';
  cls.links = ['https://docs.python.org/3/tutorial/classes.html'];
  cls.next = ['web.flask-route'];
  const page = pageFromProgress(p, 'basics.class');
  assert.ok(page);
  assert.equal(page.achieved, false);
  const html = pageHtml(page, CSP);
  assert.match(html, /<h1>Define a class<\/h1>/);
  assert.match(html, /not reached yet/);
  assert.match(html, /<h2>What it teaches<\/h2>/);
  assert.match(html, /<pre><code class="language-python">class Shop:/);
  assert.match(html, /<a href="https:\/\/docs\.python\.org\/3\/tutorial\/classes\.html">/);
  assert.match(html, /<li>✓ First Flask route \(<a href="command:roadmapCoach\.openCheckpoint\?%5B%22web\.flask-route%22%5D"/, 'what comes next links its page, ticked when reached');
  assert.doesNotMatch(html, /Open the code/);
});

test('a reached checkpoint links the code that earned it', () => {
  const page = pageFromProgress(afterFirstRoute(), 'web.flask-route');
  assert.ok(page);
  const html = pageHtml(page, CSP);
  assert.match(html, /reached 2025-11-27/);
  assert.match(html, /Open the code that earned it \(app\.py:6\)/);
  const href = /href="(command:roadmapCoach\.ui\.openEvidence\?[^"]+)"/.exec(html);
  assert.ok(href, 'an evidence command link');
  const args = JSON.parse(decodeURIComponent(href[1].split('?')[1].replace(/&#39;/g, "'")));
  assert.equal(args[0].uri, 'file:///ws/app.py');
});

test('the page runs no script and raw HTML from the roadmap is shown as text', () => {
  const html = pageHtml({ kind: 'checkpoint', id: 'x', title: 'X', markdown: '# X\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>' }, CSP);
  assert.doesNotMatch(html, /<script>/);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
  assert.match(html, /script-src &#39;none&#39;/);
});

test('an unknown id has no page', () => {
  assert.equal(pageFromProgress(afterFirstRoute(), 'no.such'), undefined);
  assert.equal(commandUri('a.b', ['x']), 'command:a.b?%5B%22x%22%5D');
});

test('a page opens from a lens id, a tree row or a Next up item', () => {
  assert.equal(checkpointIdOf('web.flask-route'), 'web.flask-route');
  assert.equal(checkpointIdOf(['web.flask-route', 'basics.function']), 'web.flask-route');
  assert.equal(checkpointIdOf({ kind: 'checkpoint', id: 'basics.class' }), 'basics.class');
  assert.equal(checkpointIdOf({ kind: 'next', item: { kind: 'checkpoint', id: 'api.json-response' } }), 'api.json-response');
  assert.equal(checkpointIdOf(undefined), undefined);
  assert.equal(checkpointIdOf(42), undefined);
});

test('a lens passes its evidence line on to the page request', () => {
  assert.deepEqual(evidenceLineOf('db.py', 25), { path: 'db.py', line: 25 });
  assert.equal(evidenceLineOf(undefined, undefined), undefined);
  assert.equal(evidenceLineOf('db.py', -1), undefined);
  assert.equal(evidenceLineOf('db.py', '25'), undefined);
});

test('what comes next, named by id on the server page, links that page (no second link below)', () => {
  const html = pageHtml({
    kind: 'checkpoint', id: 'api.json-response', title: 'A route that returns JSON',
    next: [{ id: 'api.request-json', title: 'Reading a JSON request body', achieved: false }, { id: 'api.status-codes', title: 'An explicit status code', achieved: true }],
    markdown: '# A route that returns JSON\n\n## Try next\n\n- Reading a JSON request body (`api.request-json`)\n- `jsonify` is not a page',
  }, CSP);
  assert.match(html, /<a href="command:roadmapCoach\.openCheckpoint\?%5B%22api\.request-json%22%5D" title="Open its page"><code>api\.request-json<\/code><\/a>/);
  assert.match(html, /<code>jsonify<\/code>/, 'other code stays code');
  assert.doesNotMatch(html, /Next: Reading a JSON request body/);
  assert.match(html, /✓ Next: An explicit status code/, 'a next step the text did not link is linked below');
});
