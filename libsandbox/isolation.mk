# isolation layer: filled in by its owner
