"""`moderation import disqus|wordpress FILE`: an existing blog's comments, through the bulk route."""
