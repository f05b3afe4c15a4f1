"""`netspec serve`: a local browser playground that checks the spec while you type."""
