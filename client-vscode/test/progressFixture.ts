// A progress payload shaped exactly like `roadmapCoach/getProgress` answers (docs/protocol.md).
import type { CheckpointProgress, Progress, StepProgress } from '../src/protocol';

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

export function step(id: string, number: number, title: string, checkpoints: CheckpointProgress[]): StepProgress {
  return { id, number, title, checkpoints, total: checkpoints.length, achieved: checkpoints.filter((c) => c.achieved).length };
}

export function progress(steps: StepProgress[]): Progress {
  return {
    steps,
    achieved: steps.reduce((n, s) => n + s.achieved, 0),
    total: steps.reduce((n, s) => n + s.total, 0),
  };
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
    ]),
    step('python-basics', 1, 'Master Python basics', [
      checkpoint('basics.function', { title: 'Define a function' }),
      checkpoint('basics.class', { title: 'Define a class' }),
    ]),
    step('rest-apis', 4, 'Build RESTful APIs', [
      checkpoint('api.json-response', { title: 'Return JSON', teaches: 'jsonify and content types.', suggested: true }),
    ]),
  ]);
}
