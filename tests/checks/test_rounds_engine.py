"""The pure target-selection engine of 专项检查 (dudao.checks.targeting) and the shipped checklist library."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.checks import library, targeting
from dudao.checks.models import CheckKind
from dudao.checks.services.rounds import _clean_items

TYPES = ["primary", "junior", "kindergarten", "training"]
TOWNS = ["990102001", "990102002", "990102003"]

candidates = st.lists(
    st.builds(targeting.Candidate, id=st.integers(1, 10_000), code=st.text("0123456789", min_size=10, max_size=10),
              school_type=st.sampled_from(TYPES), region_code=st.sampled_from(TOWNS)),
    max_size=60, unique_by=(lambda c: c.id, lambda c: c.code))


@settings(max_examples=150, deadline=None)
@given(pool=candidates, size=st.integers(1, 80), seed=st.integers(0, 2**32), shuffle=st.randoms())
def test_sample_is_reproducible_bounded_and_order_free(pool, size, seed, shuffle):
    first = targeting.select(pool, rule="sample", size=size, seed=seed)
    mixed = list(pool)
    shuffle.shuffle(mixed)
    again = targeting.select(mixed, rule="sample", size=size, seed=seed)
    assert first.ids == again.ids  # same pool, size and seed: same schools, whatever order the pool comes in
    assert len(first.ids) == min(size, len(pool))
    assert set(first.ids) <= {c.id for c in pool}
    assert first.ids == sorted(set(first.ids))


@settings(max_examples=100, deadline=None)
@given(pool=candidates, types=st.sets(st.sampled_from(TYPES), min_size=1), towns=st.sets(st.sampled_from(TOWNS)))
def test_type_and_town_rules_pick_exactly_the_matching_schools(pool, types, towns):
    picked = targeting.select(pool, rule="type", types=types, towns=towns)
    assert set(picked.ids) == {c.id for c in pool if c.school_type in types and (not towns or c.region_code in towns)}
    training = targeting.select(pool, rule="training")
    assert set(training.ids) == {c.id for c in pool if c.school_type == "training"}


@settings(max_examples=100, deadline=None)
@given(pool=candidates.filter(bool), data=st.data())
def test_typed_list_is_all_or_nothing(pool, data):
    chosen = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=10))
    text = "，".join(c.code for c in chosen)
    ok = targeting.select(pool, rule="list", codes=targeting.parse_codes(text))
    assert ok.errors == [] and set(ok.ids) == {c.id for c in chosen}
    bad = targeting.select(pool, rule="list", codes=targeting.parse_codes(text + "\nXX"))
    assert bad.ids == [] and "XX" in bad.errors[0] and "全部未添加" in bad.errors[0]


def test_sample_by_hand_and_refusals():
    pool = [targeting.Candidate(i, f"{i:010d}", "primary", "990102001") for i in range(1, 11)]
    assert targeting.select(pool, rule="sample", size=3, seed=7).ids == targeting.select(
        pool, rule="sample", size=3, seed=7).ids
    assert targeting.select(pool, rule="sample", size=3, seed=7).ids != targeting.select(
        pool, rule="sample", size=3, seed=8).ids
    assert targeting.select(pool, rule="sample", size=0, seed=1).errors == ["随机抽取的数量应为正整数。"]
    assert targeting.select(pool, rule="sample", size=2, seed=-1).errors == ["随机种子应为非负整数。"]
    assert targeting.select(pool, rule="type").errors == ["请至少选择一种学校类型。"]
    assert targeting.select(pool, rule="town").errors == ["请至少选择一个乡镇（街道）。"]
    assert targeting.select(pool, rule="list", codes=[]).errors == ["请填写至少一个学校标识码。"]
    assert targeting.select(pool, rule="nope").errors
    assert targeting.parse_codes(" 1990102001,1990102002；1990102003\n 1990102004、") == [
        "1990102001", "1990102002", "1990102003", "1990102004"]


def test_library_has_every_seeded_kind_with_6_to_12_valid_items():
    kinds = {s.kind for s in library.SAMPLES}
    assert kinds == set(CheckKind.values) - {"other"}
    for sample in library.SAMPLES:
        assert 6 <= len(sample.items) <= 12, sample.code
        cleaned = _clean_items(sample.items)  # every non-text item has its finding text and category
        assert all(i["finding_category"] for i in cleaned if i["answer_kind"] != "text")
    class_size = library.BY_CODE["class_size"]
    limits = {i["text"]: i.get("number_max") for i in class_size.items}
    assert limits["最大班额（小学）"] == 45 and limits["最大班额（初中）"] == 50
