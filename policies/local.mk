# policies beyond the engine's default: filled in by its owner
