// Prints the code-server user settings for an e2e run: quiet workbench, literal typing in the
// editor (no auto-close or auto-indent, so typed code arrives as written), and the extension
// pointed at this repo's server and a throwaway progress store.
const serverBin = process.argv[2];
const settings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'github.gitAuthentication': false,
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoIndent': 'none',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.parameterHints.enabled': false,
  'editor.wordBasedSuggestions': 'off',
  'editor.formatOnType': false,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'window.dialogStyle': 'custom',
  'roadmapCoach.server.command': [serverBin, 'serve'],
  'roadmapCoach.storePath': process.env.E2E_STORE,
  'roadmapCoach.learner': 'e2e-learner',
  'roadmapCoach.trace.server': 'messages',
};
process.stdout.write(JSON.stringify(settings, null, 2) + '\n');
