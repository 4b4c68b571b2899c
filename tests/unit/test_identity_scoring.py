"""Identity evidence: normalised identifiers, name similarity, and what may link two records."""

from __future__ import annotations

from ckg.graph.algorithms.identity import LINK_THRESHOLD, name_similarity, normalise_email, normalise_phone, weigh


def test_identifiers_are_compared_normalised() -> None:
    assert normalise_email("  Ana.Silva@Example.COM ") == "ana.silva@example.com"
    assert normalise_phone("+1 (555) 000-0123") == normalise_phone("15550000123") == "15550000123"


def test_name_similarity_forgives_typos_and_case_not_another_first_name() -> None:
    same = name_similarity("Maria Lopez", "maria  LOPEZ")
    typo = name_similarity("Maria Lopez", "Mraia Lopez")
    sibling = name_similarity("Maria Lopez", "Daniel Lopez")
    assert same == 1.0
    assert typo is not None and typo >= 0.9
    assert sibling is not None and sibling < 0.7
    assert name_similarity("Maria Lopez", None) is None


def test_same_email_and_name_links_with_high_confidence() -> None:
    link = weigh("c1", "c2", ["email"], "Maria Lopez", "MARIA LOPEZ")
    assert link.accepted and link.confidence >= 0.9
    assert any("email" in e for e in link.evidence)


def test_a_shared_device_alone_never_links_even_with_the_same_name() -> None:
    link = weigh("c1", "c2", ["device"], "Maria Lopez", "Maria Lopez")
    assert not link.accepted
    assert "device alone" in link.evidence[-1]


def test_a_household_sharing_email_phone_and_device_is_not_one_person() -> None:
    link = weigh("c1", "c2", ["email", "phone", "device"], "Maria Lopez", "Daniel Lopez")
    assert not link.accepted and link.confidence < LINK_THRESHOLD


def test_a_recycled_phone_between_strangers_does_not_link() -> None:
    assert not weigh("c1", "c2", ["phone"], "Maria Lopez", "Kenji Sato").accepted


def test_phone_with_a_matching_name_links() -> None:
    assert weigh("c1", "c2", ["phone"], "Kenji Sato", "Kenij Sato").accepted
