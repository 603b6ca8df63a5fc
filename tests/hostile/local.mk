# hostile-program corpus: filled in by its owner
