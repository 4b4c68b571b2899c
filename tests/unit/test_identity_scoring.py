"""Identity evidence: normalised identifiers, name agreement, similar emails, and what may link two records."""

from __future__ import annotations

from ckg.graph.algorithms.identity import (
    LINK_THRESHOLD,
    first_name_difference,
    identical_names,
    name_agreement,
    normalise_email,
    normalise_phone,
    similar_emails,
    weigh,
)


def test_identifiers_are_compared_normalised() -> None:
    assert normalise_email("  Ana.Silva@Example.COM ") == "ana.silva@example.com"
    assert normalise_phone("+1 (555) 000-0123") == normalise_phone("15550000123") == "15550000123"


def test_name_agreement_forgives_case_accents_and_one_slip_not_another_first_name() -> None:
    assert name_agreement("Maria Lopez", "maria  LOPEZ") == "same"
    assert name_agreement("José Núñez", "Jose Nunez") == "same"
    assert name_agreement("Maria Lopez", "Mraia Lopez") == "slip"  # two letters swapped
    assert name_agreement("Kenji Sato", "Kenji Sata") == "slip"  # one changed
    assert name_agreement("Maria Lopez", "Daniel Lopez") == "other"
    # relatives whose first names look alike are still two people
    assert name_agreement("Lucia Brown", "Lucas Brown") == "other"
    assert name_agreement("Ana Brown", "Hana Brown") == "variant"  # a letter added to a short name
    assert name_agreement("Mraia Lopez", "Maria Lpoez") == "other"  # a slip in both names
    assert name_agreement("Maria Lopez", None) is None


def test_same_email_and_name_links_with_high_confidence() -> None:
    link = weigh("c1", "c2", ["email"], "Maria Lopez", "MARIA LOPEZ")
    assert link.accepted and link.confidence >= 0.9
    assert any("email" in e for e in link.evidence)


def test_a_shared_device_alone_never_links() -> None:
    link = weigh("c1", "c2", ["device"], None, None)
    assert not link.accepted
    assert "device links only with identical full names" in link.evidence[-1]


def test_a_device_with_the_same_name_links_but_not_with_a_relatives_name() -> None:
    assert weigh("c1", "c2", ["device"], "Maria Lopez", "MARIA LOPEZ").accepted
    # a slip needs the same email or phone: on a device alone the full names must be identical
    assert not weigh("c1", "c2", ["device"], "Maria Lopez", "Maria Lpoez").accepted
    assert not weigh("c1", "c2", ["device"], "Maria Lopez", "Daniel Lopez").accepted
    assert not weigh("c1", "c2", ["device"], "Ana Brown", "Hana Brown").accepted


def test_a_household_sharing_email_phone_and_device_is_not_one_person() -> None:
    link = weigh("c1", "c2", ["email", "phone", "device"], "Maria Lopez", "Daniel Lopez")
    assert not link.accepted and link.confidence < LINK_THRESHOLD
    assert not weigh("c1", "c2", ["email", "phone", "device"], "Lucia Brown", "Lucas Brown").accepted


def test_a_recycled_phone_between_strangers_does_not_link() -> None:
    assert not weigh("c1", "c2", ["phone"], "Maria Lopez", "Kenji Sato").accepted


def test_phone_with_a_matching_name_links() -> None:
    assert weigh("c1", "c2", ["phone"], "Kenji Sato", "Kenij Sato").accepted


def test_similar_emails_are_one_typing_error_apart_in_one_domain_with_the_same_digits() -> None:
    assert similar_emails("maria.lopez.12@mail.test", " mraia.lopez.12@Mail.test")
    assert similar_emails("maria.lopez@mail.test", "maria.lopz@mail.test")
    assert not similar_emails("maria.lopez@mail.test", "maria.lopez@mail.test")  # the same: not "similar"
    assert not similar_emails("maria.lopez.12@mail.test", "maria.lopez.13@mail.test")  # numbered accounts
    assert not similar_emails("maria.lopez@mail.test", "mraia.lopez@other.test")  # another domain
    assert not similar_emails("anna@mail.test", "ann@mail.test")  # too short to tell
    assert not similar_emails("maria.lopez@mail.test", None)


def test_a_similar_email_links_with_the_name_and_is_weaker_than_the_same_email() -> None:
    similar = weigh("c1", "c2", ["similar_email"], "Maria Lopez", "Maria Lopez")
    same = weigh("c1", "c2", ["email"], "Maria Lopez", "Maria Lopez")
    assert similar.accepted and similar.confidence < same.confidence
    assert any("similar email" in e for e in similar.evidence)
    assert not weigh("c1", "c2", ["similar_email"], "Maria Lopez", "Daniel Lopez").accepted


def test_first_names_one_letter_apart_are_a_slip_only_when_unlikely_to_be_another_name() -> None:
    assert first_name_difference("maria", "mraia") == "slip"  # two neighbouring letters swapped
    assert first_name_difference("kenji", "kenij") == "slip"
    assert first_name_difference("sofia", "sofja") == "slip"  # one changed inside a longer name
    assert first_name_difference("maria", "mario") == "variant"  # another ending
    assert first_name_difference("francesco", "francesca") == "variant"
    assert first_name_difference("daniel", "daniela") == "variant"  # a final vowel added
    assert first_name_difference("jan", "jon") == "variant"  # short names: any slip is another name
    assert first_name_difference("mia", "mai") == "variant"
    assert first_name_difference("elena", "helena") == "variant"  # another first letter
    assert first_name_difference("lucia", "lucas") == "other"
    assert name_agreement("Maria Garcia", "Mario Garcia") == "variant"
    assert identical_names("José  Núñez", "jose nunez") and identical_names("Mary-Ann Lee", "Maryann LEE")
    assert not identical_names("Maria Lopez", "Maria") and not identical_names(None, None)


# A review found different people linked by slips in look-alike first names and by a shop tablet;
# `ckg privacy erase ID --with-linked` follows these links, so each would erase someone else.

def test_look_alike_first_names_on_a_personal_device_do_not_link() -> None:
    link = weigh("c1", "c2", ["device"], "Maria Garcia", "Mario Garcia")
    assert not link.accepted and "names contradict" in link.evidence[-1]


def test_namesakes_on_a_shop_tablet_do_not_link() -> None:
    # a device shared by more than MAX_PERSONAL_DEVICE records (up to 20) arrives as shared_device
    link = weigh("c1", "c2", ["shared_device"], "Wei Wang", "Wei Wang")
    assert not link.accepted and "not personal" in link.evidence[-1]
    assert any("shared by more than" in e and "+0.0" in e for e in link.evidence)


def test_a_similar_email_with_a_look_alike_first_name_does_not_link() -> None:
    assert similar_emails("francesco.rossi@libero.it", "francesca.rossi@libero.it")
    assert not weigh("c1", "c2", ["similar_email"], "Francesco Rossi", "Francesca Rossi").accepted


def test_siblings_with_look_alike_first_names_sharing_family_email_phone_and_device_do_not_link() -> None:
    link = weigh("c1", "c2", ["device", "email", "phone"], "Maria Lopez", "Mario Lopez")
    assert not link.accepted and link.confidence < LINK_THRESHOLD
    assert not weigh("c1", "c2", ["email", "phone"], "Jan Novak", "Jon Novak").accepted


def test_a_name_slip_needs_the_same_email_or_phone() -> None:
    assert not weigh("c1", "c2", ["similar_email"], "Maria Lopez", "Maria Lpoez").accepted
    assert not weigh("c1", "c2", ["device", "similar_email"], "Maria Lopez", "Mraia Lopez").accepted
    assert weigh("c1", "c2", ["phone"], "Maria Lopez", "Mraia Lopez").accepted


def test_true_typo_duplicates_still_link() -> None:
    # the same email, a letter swapped in a longer surname
    typo = weigh("c1", "c2", ["email"], "Maria Johansson", "Maria Johasnson")
    assert typo.accepted and "slip" in " ".join(typo.evidence)
    # the same phone and the same name
    assert weigh("c1", "c2", ["phone"], "Kenji Sato", "kenji sato").accepted
    # a similar email and the identical name (case, accents, spacing ignored)
    assert weigh("c1", "c2", ["similar_email"], "José Núñez", "jose  NUNEZ").accepted
    # a personal device and the identical name
    assert weigh("c1", "c2", ["device"], "Wei Wang", "Wei Wang").accepted
