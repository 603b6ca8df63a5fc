# samples: filled in by its owner
