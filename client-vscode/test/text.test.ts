import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeMarkdown, plainLine, plainText } from '../src/text';

test('plain text keeps the words of markdown and drops its marks', () => {
  assert.equal(plainText('Use `?` placeholders with `sqlite3`, `psycopg`'), 'Use ? placeholders with sqlite3, psycopg');
  assert.equal(plainText('It **is a** kind of the *parent*'), 'It is a kind of the parent');
  assert.equal(plainText('See [the docs](https://example.org/a_(b)) now'), 'See the docs now');
  assert.equal(plainText('### RC301: SQL\n\nText'), 'RC301: SQL\n\nText');
  assert.equal(plainText('A \\*literal\\* star'), 'A *literal* star');
});

test('plain text never touches snake_case or code contents', () => {
  assert.equal(plainText('call `user_name * 2` on my_var_name'), 'call user_name * 2 on my_var_name');
  assert.equal(plainText('``a `tick` inside``'), 'a `tick` inside'.replace(/`/g, ''));
});

test('fenced code keeps its code', () => {
  assert.equal(plainText('Example:\n```python\nx = 1\n```\n'), 'Example:\nx = 1');
});

test('one line for labels', () => {
  assert.equal(plainLine('A route maps\na URL'), 'A route maps a URL');
  assert.equal(plainLine(null), '');
});

test('escaped plain text shows literally in markdown', () => {
  assert.equal(escapeMarkdown('db.py:26 (*x*)'), 'db\\.py:26 \\(\\*x\\*\\)');
});
