// What of the `roadmapCoach` settings the server gets. Pure, unit-tested.

/** Keys that only the client reads: how to start the server and LSP tracing. */
const CLIENT_ONLY = new Set(['server', 'trace']);

export interface ServerSettings {
  storePath: string;
  learner: string;
  hints: 'all' | 'milestones' | 'off';
  disabledLessons: string[];
  roadmapPaths: string[];
  debounceMs: number;
}

/**
 * The settings object as the server expects it (initializationOptions and the answer to
 * `workspace/configuration` for section `roadmapCoach`): client-only keys removed, every other
 * key passed on untouched so a newer server can read settings this client does not know.
 */
export function serverSettings(section: unknown): Record<string, unknown> {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    if (!CLIENT_ONLY.has(key) && typeof value !== 'function') {
      out[key] = value;
    }
  }
  return out;
}

/**
 * What a configuration change means for the server: a new launch command needs a restart
 * (which sends the settings again); any other `roadmapCoach` setting is announced with
 * `workspace/didChangeConfiguration`; tracing and other sections are not its business.
 */
export function configChangeAction(affects: (section: string) => boolean): 'restart' | 'notify' | 'none' {
  if (affects('roadmapCoach.server.command')) {
    return 'restart';
  }
  const keys = ['storePath', 'learner', 'hints', 'disabledLessons', 'roadmapPaths', 'debounceMs', 'codeLens'];
  if (keys.some((key) => affects(`roadmapCoach.${key}`))) {
    return 'notify';
  }
  return 'none';
}
