"""`moderation eval`: the labelled evaluation set, decided as the service would, as a table per class."""
