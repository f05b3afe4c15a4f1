"""`netspec lsp`: the checker as a Language Server over stdio."""
