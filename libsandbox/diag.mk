# diagnostics: filled in by its owner
