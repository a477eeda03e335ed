"""Constraint changes: apply PATH=VALUE edits to a design and trace their impact."""
