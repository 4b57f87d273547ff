"""Operators' tools for a deployed stack (AWS credentials of the operator, never shipped)."""
