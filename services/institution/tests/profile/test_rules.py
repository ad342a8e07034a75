"""Base-info checks: the credit code's check character, the address chain."""

from institution.profile.rules import address_problems, credit_code_problem


class TestCreditCode:
    def test_a_code_with_its_check_character_passes(self):
        assert credit_code_problem("91110000600037341L") is None

    def test_a_wrong_check_character_or_length_fails(self):
        assert credit_code_problem("91110000600037341X") is not None
        assert credit_code_problem("9111000060003734") is not None


class TestAddress:
    def test_a_full_chain_passes(self):
        assert address_problems("450000", "450100", "450102") == []

    def test_a_city_outside_the_province_is_named(self):
        [problem] = address_problems("450000", "320100", None)
        assert problem.field == "address.city"

    def test_an_unknown_province_stops_there(self):
        [problem] = address_problems("990000", "450100", "450102")
        assert problem.field == "address.province"
