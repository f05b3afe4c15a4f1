"""`netspec draw`: pictures of a network from its spec (SVG, PNG, PDF)."""
