"""`python -m traintrack.evaluation rotate-key | retire-key KID | list-keys`: the keys that
sign credentials, on the command line of a host that holds the key directory.

rotate-key: a new key signs every credential from now on; the older ones keep verifying
what they signed (the API and the worker pick the new key up at their next signature).
retire-key: a key leaves the JWKS, and what it signed no longer verifies (a key that leaked).
"""

from __future__ import annotations

import sys

from traintrack.evaluation.adapters.keys import KeyStore, UnknownKey

COMMANDS = ("rotate-key", "retire-key", "list-keys")
USAGE = ("rotate-key", "retire-key KID", "list-keys")


def main(argv: list[str], keys: KeyStore) -> int:
    command, args = argv[0], argv[1:]
    if command == "rotate-key" and not args:
        key = keys.rotate()
        sys.stdout.write(f"{key.kid} signs from now on ({key.alg})\n")
        return 0
    if command == "retire-key" and len(args) == 1:
        try:
            keys.retire(args[0])
        except UnknownKey:
            sys.stderr.write(f"no key {args[0]} in {keys.directory}\n")
            return 1
        sys.stdout.write(f"{args[0]} retired\n")
        return 0
    if command == "list-keys" and not args:
        listed = keys.verifying()
        for n, key in enumerate(listed, start=1):
            role = "signs" if n == len(listed) else "verifies"
            sys.stdout.write(f"{key.kid} {key.alg} {role}\n")
        return 0
    sys.stderr.write(f"usage: python -m traintrack.evaluation {' | '.join(USAGE)}\n")
    return 2
