// A progress payload shaped exactly like `roadmapCoach/getProgress` answers (docs/protocol.md).
import type { CheckpointProgress, NextUp, Progress, StepProgress, StepState } from '../src/protocol';

export function checkpoint(id: string, over: Partial<CheckpointProgress> = {}): CheckpointProgress {
  return {
    id,
    title: id,
    teaches: `what ${id} teaches`,
    next: [],
    links: [],
    achieved: false,
    achievedAt: null,
    evidence: null,
    suggested: false,
    ...over,
  };
}

/** A step as the server sends it: `state` by the one definition of done (every core
 * checkpoint reached: complete; any checkpoint reached: started). */
export function step(id: string, number: number, title: string, checkpoints: CheckpointProgress[], short?: string): StepProgress {
  const achieved = checkpoints.filter((c) => c.achieved).length;
  const core = checkpoints.filter((c) => c.core !== false);
  const coreAchieved = core.filter((c) => c.achieved).length;
  const state: StepState = core.length > 0 && coreAchieved === core.length ? 'complete' : achieved > 0 ? 'started' : 'not-started';
  return {
    id, number, title, short: short ?? title, checkpoints, total: checkpoints.length, achieved,
    core: core.length, coreAchieved, state,
  };
}

export function progress(steps: StepProgress[], nextUp?: NextUp[]): Progress {
  return {
    steps,
    achieved: steps.reduce((n, s) => n + s.achieved, 0),
    total: steps.reduce((n, s) => n + s.total, 0),
    stepsComplete: steps.filter((s) => s.state === 'complete').length,
    ...(nextUp ? { nextUp } : {}),
  };
}

/** The learner of issue 13: a Flask route, a SQL query built with an f-string (RC301 open at
 * db.py:26), git initialised; the server ranks the open lesson first. */
export function withOpenLesson(): Progress {
  const p = afterFirstRoute();
  p.steps.push(
    step('git', 10, 'Master version control with Git', [
      checkpoint('git.init', { title: 'A Git repository', achieved: true, achievedAt: '2025-11-27T09:00:00+00:00' }),
    ], 'Git'),
    step('databases', 3, 'Understand databases', [
      checkpoint('db.sql-query', { title: 'Your first SQL query from Python', teaches: 'Send SQL with `execute`.', core: true }),
      checkpoint('db.redis', { title: 'Redis', core: false }),
    ], 'Databases'),
  );
  return progress(p.steps, [
    {
      kind: 'lesson', id: 'RC301', title: 'Fix the warning at db.py:26 (SQL built from strings)', reason: 'open-lesson',
      evidence: { uri: 'file:///ws/db.py', range: { start: { line: 25, character: 4 }, end: { line: 25, character: 52 } } },
    },
    { kind: 'checkpoint', id: 'api.json-response', title: 'Return JSON', reason: 'after-milestone', step: 'rest-apis' },
    { kind: 'checkpoint', id: 'web.flask-template', title: 'Render a template', reason: 'current-step', step: 'web-frameworks' },
  ]);
}

/** A learner who wrote one Flask route; the server suggests JSON responses next. */
export function afterFirstRoute(): Progress {
  return progress([
    step('web-frameworks', 2, 'Choose a web framework', [
      checkpoint('web.flask-route', {
        title: 'First Flask route',
        teaches: 'Routing a URL to a view function.',
        next: ['api.json-response', 'web.flask-template'],
        achieved: true,
        achievedAt: '2025-11-27T09:30:12+00:00',
        evidence: { uri: 'file:///ws/app.py', range: { start: { line: 5, character: 0 }, end: { line: 5, character: 17 } } },
      }),
      checkpoint('web.flask-template', { title: 'Render a template', suggested: true }),
      checkpoint('web.django-project', { title: 'A Django project' }),
    ], 'Web frameworks'),
    step('python-basics', 1, 'Master Python basics', [
      checkpoint('basics.function', { title: 'Define a function' }),
      checkpoint('basics.class', { title: 'Define a class' }),
    ], 'Python basics'),
    step('rest-apis', 4, 'Build RESTful APIs', [
      checkpoint('api.json-response', { title: 'Return JSON', teaches: 'jsonify and content types.', suggested: true }),
    ], 'REST APIs'),
  ]);
}
