"""Where the Kafka clients in use put a keyed record: the partition of each hashing scheme.

Our producers (aiokafka, kafka-python) hash keys with murmur2 as the Java client
does. Clients outside the platform may not: librdkafka (confluent-kafka, its Go, .NET and
Node bindings) hashes with CRC32 by default (`consistent_random`), and Go's sarama with
FNV-1a (which librdkafka offers too, with the same arithmetic). A reader that must find a
key's records wherever such a producer put them reads each of these partitions.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from functools import lru_cache

from aiokafka.partitioner import murmur2

FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193


# murmur2 in pure Python is the heaviest thing a relay does per record, and the same
# trainees' keys come back all day: each key's hash is computed once.
_murmur2 = lru_cache(maxsize=1 << 16)(murmur2)


def java(key: bytes, count: int) -> int:
    """Java's, aiokafka's, kafka-python's and librdkafka's `murmur2_random`."""
    return int(_murmur2(key) & 0x7FFFFFFF) % count


def producer_partitioner(
    key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]
) -> int:
    """aiokafka's default partitioner (`java`, a random available partition for no key),
    with each key's hash remembered: what every producer of the platform uses."""
    if key is None:
        return random.choice(available or all_partitions)
    return all_partitions[java(key, len(all_partitions))]


def librdkafka_default(key: bytes, count: int) -> int:
    """librdkafka's `consistent` and `consistent_random` (its default): CRC32."""
    return zlib.crc32(key) % count


def fnv1a(key: bytes) -> int:
    digest = FNV_OFFSET
    for byte in key:
        digest = ((digest ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return digest


def sarama(key: bytes, count: int) -> int:
    """Go sarama's default and librdkafka's `fnv1a`/`fnv1a_random`: FNV-1a as a signed
    32-bit number, made positive (librdkafka copied sarama's arithmetic)."""
    digest = fnv1a(key)
    signed = digest - (1 << 32) if digest >= 1 << 31 else digest
    return abs(signed) % count


def every_client(key: bytes, count: int) -> set[int]:
    """Every partition a keyed record may be on, whichever of these clients sent it."""
    schemes = (java, librdkafka_default, sarama)
    return {scheme(key, count) for scheme in schemes}
