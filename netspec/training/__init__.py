"""`netspec train` and `netspec eval`. Only `commands` is imported by the command line (it imports
torch lazily, so that `netspec check` and `netspec compile` never load it)."""
