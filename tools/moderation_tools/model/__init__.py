"""Build-time model tooling: export a Detoxify checkpoint, score comments from the command line."""
