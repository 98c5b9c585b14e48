"""Steward-editable word lists (YAML) for parsing company names."""
