"""Development tools: the local stack, the `moderation` command, model export and evaluation.

Nothing here ships to Lambda: the layers carry the `moderation` package (run-time code) only.
"""
