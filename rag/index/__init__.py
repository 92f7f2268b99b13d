"""The on-disk index: a versioned folder with a manifest, written atomically, verified on load."""
