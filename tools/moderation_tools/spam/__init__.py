"""The spam filter's seed: the project's labelled comments and the build step that counts them."""
