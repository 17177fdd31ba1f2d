from hypothesis import given
from hypothesis import strategies as st

from core.paths import (
    ALPHABET,
    SEGMENT,
    ancestor_paths,
    decode_segment,
    encode_segment,
    successor,
)

segments = st.integers(min_value=0, max_value=len(ALPHABET) ** SEGMENT - 1).map(encode_segment)
paths = st.lists(segments, min_size=1, max_size=6).map("".join)


def test_segments_are_fixed_width_and_ordered():
    assert encode_segment(0) == "0000"
    assert encode_segment(35) == "000z"
    assert encode_segment(36) == "0010"
    assert encode_segment(1) < encode_segment(10) < encode_segment(36) < encode_segment(1000)
    assert decode_segment(encode_segment(123456)) == 123456


@given(paths, paths)
def test_successor_bounds_exactly_the_subtree(root, other):
    in_subtree = other.startswith(root)
    in_range = root <= other < successor(root)
    assert in_subtree == in_range


def test_successor_carries():
    assert successor("000z") == "001"
    assert successor("zzzz") == "zzzz{"


def test_ancestor_paths():
    assert ancestor_paths("0001000a0003") == ["0001", "0001000a", "0001000a0003"]
