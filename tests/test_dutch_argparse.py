"""dutch_argparse: the command line's help and usage errors are Dutch, never argparse's English."""

from __future__ import annotations

import pytest

from infographics.cli import main

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:",
           "invalid choice", "expected one argument", "required:", "unrecognized",
           "version number")


@pytest.mark.parametrize("argv", [
    ["--help"], ["build", "--help"], ["send", "--help"], ["serve", "--help"],
    ["build", "--subject", "xx"], ["bla"], ["validate", "--data"], ["build", "--nee"], [],
])
def test_help_and_usage_errors_are_dutch(argv, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "gebruik: infographics" in shown
    assert not [word for word in ENGLISH if word in shown], shown
