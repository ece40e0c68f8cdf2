"""The impact simulation's pages (issue 10, part 3): start a run, follow it, read and export its result."""
