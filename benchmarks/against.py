"""``scripts/bench-against REV``: ``enrich_docs_per_s`` of this tree against another revision's (the start of an
issue, whose limit is a share of the rate it had), in one run.

Each tree's own ``benchmarks.bench.enrich_rate`` runs in a process of its own over the same synthesized articles,
the two in turns: a noisy machine slows both sides of a turn alike, so the median of the per-turn ratios holds
where two separate runs swing by half. ``--env KEY=VALUE`` sets a setting for this tree's side only
(``MARSAD_NAMES_MODEL=true``). The other revision is checked out in a temporary git worktree."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run in each tree with its own code on PYTHONPATH: only what both trees have (``synthesize``, ``enrich_rate``).
_SIDE = """
import sys
from benchmarks.bench import enrich_rate, synthesize
from marsad.workers.settings import Settings
raws = synthesize(int(sys.argv[1]))
print("ready", flush=True)
for _ in sys.stdin:
    print(enrich_rate(Settings(), raws), flush=True)
"""


@contextmanager
def _worktree(revision: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        tree = Path(directory) / "tree"
        shared = ROOT.parent / "shared"
        if shared.is_dir():  # the articles are synthesized from ../shared/seeds too: the same on both sides
            (Path(directory) / "shared").symlink_to(shared)
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=ROOT, check=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)


def _side(tree: Path, articles: int, extra: dict[str, str]) -> subprocess.Popen[str]:
    environment = {**os.environ, **extra, "PYTHONPATH": str(tree)}
    process = subprocess.Popen(
        [sys.executable, "-c", _SIDE, str(articles)],
        cwd=tree,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def _turn(process: subprocess.Popen[str]) -> float:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("go\n")
    process.stdin.flush()
    return float(process.stdout.readline())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench-against", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("revision", help="the revision to compare with (a commit, a tag, a branch)")
    parser.add_argument("--articles", type=int, default=512)
    parser.add_argument("--turns", type=int, default=15)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="for this tree's side only")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)
    with _worktree(args.revision) as other:
        sides = {args.revision: _side(other, args.articles, {}), "this tree": _side(ROOT, args.articles, extra)}
        rates: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.turns):
            for name, process in sides.items():
                rates[name].append(_turn(process))
        for process in sides.values():
            assert process.stdin is not None
            process.stdin.close()
            process.wait()
    for name, values in rates.items():
        print(f"{name:>32}: {statistics.median(values):.0f} docs/s (median of {len(values)})")
    ratios = [mine / theirs for mine, theirs in zip(rates["this tree"], rates[args.revision], strict=True)]
    spread = f"turns {min(ratios):.2f}–{max(ratios):.2f}"
    print(f"{'this tree / ' + args.revision:>32}: {statistics.median(ratios):.2f} ({spread})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
