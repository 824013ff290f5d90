"""``python -m replicas serve --port 8765 --seed 7 --lots 300 --night 1``: run the replicas in the foreground."""

from __future__ import annotations

import argparse
from datetime import date

from replicas import ReplicaServer, start_urls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m replicas", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the replicas until interrupted")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--lots", type=int, default=300, help="lots visible on night 1")
    serve.add_argument("--night", type=int, default=1)
    serve.add_argument("--interstitial-rate", type=float, default=0.03)
    serve.add_argument("--base-date", type=date.fromisoformat, default=date(2026, 11, 20))
    args = parser.parse_args(argv)
    server = ReplicaServer(
        seed=args.seed,
        n_lots=args.lots,
        night=args.night,
        interstitial_rate=args.interstitial_rate,
        host=args.host,
        port=args.port,
        base_date=args.base_date,
    )
    server.start()
    print(
        f"replicas on {server.base_url} (seed {args.seed}, {args.lots} lots, night {args.night}); "
        f"switch night: {server.base_url}/__replica__/night?n=2",
        flush=True,
    )
    for source in ("sf", "zc"):
        for url in start_urls(source):
            print(f"  {source}: {url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
