"""Spam: what the edge saw of a submission, and a filter that learns each site's spam from its moderators."""
