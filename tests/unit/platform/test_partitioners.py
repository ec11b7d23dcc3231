from traintrack.platform.messaging import partitioners


def test_fnv1a_matches_the_published_test_vectors():
    assert partitioners.fnv1a(b"") == 0x811C9DC5
    assert partitioners.fnv1a(b"a") == 0xE40C292C
    assert partitioners.fnv1a(b"foobar") == 0xBF9CF968


def test_saramas_fnv1a_partition_is_that_of_the_hash_as_a_signed_number_made_positive():
    key = b"a"  # 0xE40C292C: negative as a signed 32-bit number, -468965076
    assert 0xE40C292C % 6 == 4
    assert partitioners.sarama(key, 6) == 468965076 % 6 == 0


# Kafka's own test vectors for murmur2 (clients/.../utils/UtilsTest.testMurmur2): the
# signed hash; the partition is the hash with its sign bit cleared, modulo the count.
KAFKA_MURMUR2 = {
    b"21": -973932308,
    b"foobar": -790332482,
    b"a-little-bit-long-string": -985981536,
    b"abc": 479470107,
}


def test_the_java_partition_follows_kafkas_murmur2_test_vectors():
    # 1173551340, 1357151166, 1161502112, 479470107 once the sign bit is cleared
    assert [partitioners.java(key, 6) for key in KAFKA_MURMUR2] == [0, 0, 2, 3]
    assert [partitioners.java(key, 12) for key in KAFKA_MURMUR2] == [0, 6, 8, 3]


def test_librdkafkas_default_partition_is_the_crc32_check_value_modulo_the_count():
    assert partitioners.librdkafka_default(b"123456789", 6) == 0xCBF43926 % 6 == 2


def test_every_client_names_each_schemes_partition_once():
    # "abc": murmur2 479470107 -> 3; CRC32 0x352441C2 -> 0; FNV-1a 0x1A47E90B -> 5
    assert partitioners.every_client(b"abc", 6) == {3, 0, 5}


def test_the_producers_partitioner_puts_keys_where_kafkas_test_vectors_say_every_time():
    # The same partitions as the Java client's (above), asked twice: the second answer
    # comes from the remembered hash. Partition ids are the topic's, in order.
    for _ in range(2):
        assert [
            partitioners.producer_partitioner(key, [0, 1, 2, 3, 4, 5], [0]) for key in KAFKA_MURMUR2
        ] == [0, 0, 2, 3]
        assert [
            partitioners.producer_partitioner(key, list(range(100, 112)), [])
            for key in KAFKA_MURMUR2
        ] == [100, 106, 108, 103]


def test_the_producers_partitioner_spreads_unkeyed_records_over_available_partitions():
    chosen = {partitioners.producer_partitioner(None, [0, 1, 2, 3], [1, 3]) for _ in range(200)}
    assert chosen == {1, 3}
    assert partitioners.producer_partitioner(None, [0, 1], []) in {0, 1}
