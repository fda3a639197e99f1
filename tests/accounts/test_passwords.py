"""Password hashing: Werkzeug's scrypt at its default cost outside the test suite."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from participate.accounts import passwords
from tests.conftest import PRODUCTION_HASH_METHOD, TEST_HASH_METHOD


def test_production_hashes_at_werkzeugs_scrypt_cost_and_both_costs_verify() -> None:
    assert PRODUCTION_HASH_METHOD == "scrypt"
    real = generate_password_hash("korvapuusti-2026", method=PRODUCTION_HASH_METHOD)
    assert real.startswith("scrypt:32768:8:1$")
    # The suite's cheaper hashes (tests/conftest.py) are still salted scrypt.
    assert passwords.HASH_METHOD == TEST_HASH_METHOD
    cheap = passwords.hash_password("korvapuusti-2026")
    assert cheap.startswith("scrypt:1024:8:1$")
    assert cheap != passwords.hash_password("korvapuusti-2026")
    for stored in (real, cheap):
        assert passwords.verify_password(stored, "korvapuusti-2026")
        assert not passwords.verify_password(stored, "korvapuusti-2025")
