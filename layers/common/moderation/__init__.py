"""Comment moderation for blogs: accept, score, decide, store and list reader comments."""
