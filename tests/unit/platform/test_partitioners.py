from traintrack.platform.messaging import partitioners


def test_fnv1a_matches_the_published_test_vectors():
    assert partitioners.fnv1a(b"") == 0x811C9DC5
    assert partitioners.fnv1a(b"a") == 0xE40C292C
    assert partitioners.fnv1a(b"foobar") == 0xBF9CF968


def test_saramas_fnv1a_partition_is_that_of_the_hash_as_a_signed_number_made_positive():
    key = b"a"  # 0xE40C292C: negative as a signed 32-bit number, -468965076
    assert 0xE40C292C % 6 == 4
    assert partitioners.sarama(key, 6) == 468965076 % 6 == 0


def test_every_client_is_the_set_of_each_schemes_partition():
    key = b"tr-1"
    assert partitioners.every_client(key, 6) == {
        partitioners.java(key, 6),
        partitioners.librdkafka_default(key, 6),
        partitioners.sarama(key, 6),
    }
