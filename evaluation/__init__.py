"""The evaluation harness for ``scripts/eval``: scores marsad on the labelled set in ``eval/`` (not installed)."""
