"""`netspec compile SPEC [-o FILE]`: check a spec, then print or write its PyTorch module.

Diagnostics go to stderr exactly as `netspec check` renders them; a spec with errors writes
nothing and exits 1. `-o` writes atomically, so FILE is either the old file or the whole new one.
This path never imports torch: compiling is string generation.
"""

from __future__ import annotations

import sys

from netspec.loading import load_spec

EXIT_OK, EXIT_SPEC_ERRORS = 0, 1


def run_compile(args) -> int:
    from netspec.checker import check_source
    from netspec.codegen import class_name, compile_diagnostics, generate
    from netspec.diagnostics import render_all, summary, terminal_text
    from netspec.output_file import output_path, write_output

    source, note = load_spec(args.spec)
    if note:
        print(terminal_text(note), file=sys.stderr)
    output = output_path(args.output, args.spec, "model.py")
    result = check_source(source)
    init = compile_diagnostics(result)
    shown = result.diagnostics.sorted()
    if shown:
        print(render_all(shown, source), file=sys.stderr)
    if init is None:
        print(summary(shown), file=sys.stderr)
        return EXIT_SPEC_ERRORS
    code = generate(result, init)
    if output is None:
        sys.stdout.write(code)
        sys.stdout.flush()
        return EXIT_OK
    write_output(output, code.encode("utf-8"))
    print(
        f"wrote {terminal_text(str(output))}: class {class_name(result)}, {result.params:,} parameters", file=sys.stderr
    )
    return EXIT_OK
