"""The test tree's root: its folder is on sys.path, so suites share `workspace_files`."""
