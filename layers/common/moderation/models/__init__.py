"""Pydantic models for everything that crosses a boundary, one module per capability.

`base` holds what they all share; each use case imports its own capability's module and `base`.
"""
