"""Progress output: a redrawn bar on terminals, one line per tenth in logs."""

from __future__ import annotations

import io

from indexer.writing.progress import Progress


def test_log_output_is_one_line_per_tenth():
    stream = io.StringIO()
    progress = Progress(total=1000, stream=stream, interactive=False)
    for done in range(0, 1001, 50):
        progress.advance(done, docs=done // 10)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == [f"{p}%" for p in range(10, 101, 10)]
    assert "100 docs" in lines[-1] and "docs/s" in lines[-1] and "ETA" in lines[-1]


def test_terminal_output_redraws_one_line_with_a_bar():
    stream = io.StringIO()
    progress = Progress(total=100, stream=stream, interactive=True)
    progress.advance(50, docs=5)
    progress.finish()
    output = stream.getvalue()
    assert output.count("\n") == 1 and output.startswith("\r[")
    assert "[##############################] indexing: 100%" in output
