"""Command-line tools (benchmark, probes, string extraction); importable by their tests."""
