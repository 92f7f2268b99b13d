"""Reading the corpus folder: files → `Document`s with metadata and boilerplate spans."""
