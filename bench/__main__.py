"""Entry point: ``python -m bench load``."""

from __future__ import annotations

import sys

from bench import accuracy, api, cdnow, communities, load, scale, soak, tags


def main() -> None:
    commands = {"load": load.main, "tags": tags.main, "api": api.main, "soak": soak.main, "accuracy": accuracy.main,
                "communities": communities.main, "scale": scale.main,
                "cdnow": cdnow.main}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(f"usage: python -m bench {{{','.join(commands)}}} [options]  (--help on each)")
        sys.exit(2)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
