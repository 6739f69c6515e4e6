from sanctionwatch.store.offsets import OffsetMap


def test_pieces_map_both_ways() -> None:
    original = "Acme Ltd. [ad] is in Riga."
    clean = "Acme Ltd. is in Riga."
    offsets = OffsetMap([[0, 0, 10], [10, 15, 11]])
    start = clean.index("Riga")
    o_start, o_end = offsets.span_to_original(start, start + 4)
    assert original[o_start:o_end] == "Riga"
    assert offsets.to_clean(original.index("[ad]")) is None
    assert offsets.to_clean(o_start) == start


def test_identity_and_json_round_trip() -> None:
    offsets = OffsetMap.identity(5)
    assert offsets.to_original(3) == 3
    assert OffsetMap(offsets.to_json()).to_json() == [[0, 0, 5]]
