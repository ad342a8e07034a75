from skillcert.pii import mask_id_number, mask_phone, scrub


class TestMasking:
    def test_id_number_keeps_region_and_last_four(self):
        assert mask_id_number("370285199001015910") == "370285********5910"

    def test_phone_keeps_prefix_and_last_four(self):
        assert mask_phone("13812345678") == "138****5678"

    def test_scrub_masks_numbers_inside_text(self):
        text = "candidate 11010119900307451X phone 13912345678 order 12345"
        assert scrub(text) == "candidate 110101********451X phone 139****5678 order 12345"
