# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The look-ups of the screens at a dealer group's scale (issue 20, bench part 7): the
caller found from the number however it is written, only within the user's dealerships,
and vehicles found by a fragment of the plate or the VIN's last six characters."""
from odoo.addons.aftersales_followup.phone import looks_like_phone, phone_key

from .common import AftersalesCommon
from .test_migrations import load_migration

WRITTEN_FORMS = ("+86 138 0013 8000", "13800138000", "0086 138-0013-8000",
                 "(+86) 13800138000")
LANDLINE_FORMS = ("021-6123-4567", "+86 21 6123 4567", "02161234567", "+86 (0)21 61234567")


class TestCallerLookup(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestCallerLookup, cls).setUpClass()
        cls.caller = cls.create_customer(
            "Zhang Min", mobile="13800138000", phone="021 6123 4567",
            aftersales_customer=True)
        cls.elsewhere = cls.create_customer(
            "Zhang Min (other dealership)", mobile="+86 139 0013 9000",
            aftersales_customer=True, company_id=cls.company2.id)

    def lookup(self, term, user=None):
        Partner = self.env["res.partner"].sudo(user or self.officer)
        return [pid for pid, _name in Partner.name_search(term, [], "ilike", 8)]

    def test_phone_key_of_each_written_form(self):
        self.assertEqual({phone_key(form) for form in WRITTEN_FORMS}, {"13800138000"})
        self.assertEqual({phone_key(form) for form in LANDLINE_FORMS}, {"2161234567"})
        self.assertFalse(phone_key(""))
        self.assertFalse(phone_key(False))

    def test_sql_twin_gives_the_same_key(self):
        samples = WRITTEN_FORMS + LANDLINE_FORMS + (
            "", "abc", "8613800138000", "+1 415 555 0100", "00", "138 0013 8000 ext 12",
            "+86 10 6512 3456", "0755-8888-6666")
        cr = self.env.cr
        for sample in samples:
            cr.execute("SELECT aftersales_phone_key(%s)", (sample,))
            self.assertEqual(cr.fetchone()[0] or False, phone_key(sample), sample)

    def test_phone_like_terms(self):
        for term in WRITTEN_FORMS + LANDLINE_FORMS + ("6123 4567",):
            self.assertTrue(looks_like_phone(term), term)
        for term in ("Zhang Min", "沪A·H2001", "138", "LSVB00012345", ""):
            self.assertFalse(looks_like_phone(term), term)

    def test_caller_found_from_each_written_form_of_the_mobile(self):
        for form in WRITTEN_FORMS:
            self.assertEqual(self.lookup(form), [self.caller.id], form)

    def test_caller_found_from_each_written_form_of_the_land_line(self):
        for form in LANDLINE_FORMS:
            self.assertEqual(self.lookup(form), [self.caller.id], form)

    def test_keys_follow_a_change_of_number(self):
        self.caller.sudo(self.officer).write({"mobile": "+86 137 1111 2222"})
        self.assertEqual(self.caller.aftersales_mobile_key, "13711112222")
        self.assertEqual(self.lookup("137-1111-2222"), [self.caller.id])
        self.assertEqual(self.lookup("13800138000"), [])
        self.caller.write({"phone": False})
        self.assertFalse(self.caller.aftersales_phone_key)
        self.assertEqual(self.lookup("021-6123-4567"), [])

    def test_a_customer_number_of_digits_is_still_found(self):
        numbered = self.create_customer("Numbered customer", ref="20231008",
                                        aftersales_customer=True)
        self.assertEqual(self.lookup("20231008"), [numbered.id])
        self.assertEqual(self.lookup(" 20231008 "), [numbered.id])

    def test_customer_of_another_dealership_not_found(self):
        self.assertEqual(self.lookup("+86 139 0013 9000"), [])
        self.assertEqual(self.lookup("13900139000", self.officer2), [self.elsewhere.id])
        self.assertEqual(self.lookup("13800138000", self.officer2), [])
        # ... nor by name: the record rule, not only the phone search, hides it
        self.assertNotIn(self.elsewhere.id, self.lookup("Zhang Min"))

    def test_other_terms_still_search_names(self):
        self.assertIn(self.caller.id, self.lookup("Zhang Min"))

    def test_form_domain_still_applies(self):
        Partner = self.env["res.partner"].sudo(self.officer)
        self.assertFalse(Partner.name_search(
            "13800138000", [("id", "!=", self.caller.id)], "ilike", 8))

    def test_migration_fills_the_keys_of_existing_partners(self):
        self.env.cr.execute("""UPDATE res_partner SET aftersales_phone_key = NULL,
                                      aftersales_mobile_key = NULL WHERE id = %s""",
                            (self.caller.id,))
        addon = __import__("odoo.addons.aftersales_followup", fromlist=["x"])
        load_migration(addon, "11.0.1.4.0", "pre-migrate.py").migrate(
            self.env.cr, "11.0.1.3.0")
        self.caller.invalidate_cache()
        self.assertEqual((self.caller.aftersales_phone_key, self.caller.aftersales_mobile_key),
                         ("2161234567", "13800138000"))


class TestVehicleFragmentSearch(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestVehicleFragmentSearch, cls).setUpClass()
        cls.car = cls.create_vehicle(cls.customer, license_plate="京B·Q7731",
                                     vin="LSVFRAGK000077310")
        cls.other = cls.create_vehicle(cls.customer, license_plate="京B·Q7740",
                                       vin="LSVFRAGK000077409")

    def search_view(self, term):
        """The vehicle list's search box: the filter_domain of its "Vehicle" field."""
        return self.env["aftersales.vehicle"].sudo(self.officer).search(
            ["|", "|", ("vin", "ilike", term), ("license_plate", "ilike", term),
             ("name", "ilike", term)])

    def test_plate_fragment(self):
        Vehicle = self.env["aftersales.vehicle"].sudo(self.officer)
        self.assertEqual(self.search_view("Q773"), self.car)
        self.assertEqual(self.search_view("q77"), self.car | self.other)
        found = [vid for vid, _name in Vehicle.name_search("Q7740", [], "ilike", 8)]
        self.assertEqual(found, [self.other.id])

    def test_last_six_characters_of_the_vin(self):
        self.assertEqual(self.search_view("077310"), self.car)
        self.assertEqual(self.search_view("077409"), self.other)

    def test_other_dealership_vehicle_not_found(self):
        self.assertFalse(self.env["aftersales.vehicle"].sudo(self.officer2).search(
            [("license_plate", "ilike", "Q773")]))

    def test_trigram_indexes_exist(self):
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(cr.fetchone(), "pg_trgm is not installed in the test database")
        cr.execute("""SELECT indexname FROM pg_indexes
                       WHERE tablename = 'aftersales_vehicle' AND indexdef LIKE '%%gin_trgm_ops%%'
                       ORDER BY indexname""")
        self.assertEqual([r[0] for r in cr.fetchall()], [
            "aftersales_vehicle_license_plate_trgm_idx", "aftersales_vehicle_name_trgm_idx",
            "aftersales_vehicle_vin_trgm_idx"])


class TestCasePivotBound(AftersalesCommon):
    """The cases pivot's bound on the dealership's day also bounds the creation (for the
    index): the cases at the edges of the local day are still counted on their day."""

    def test_local_day_edges_counted_on_their_day(self):
        call = self.env["aftersales.call"].sudo(self.officer).create({
            "partner_id": self.customer.id, "direction": "in", "purpose": "complaint"})
        Case = self.env["aftersales.case"].sudo(self.officer)
        early, late, old = [Case.create({"call_id": call.id, "kind": "complaint",
                                         "name": name}) for name in ("early", "late", "old")]
        day = self.days_from_today(-10)
        # 00:30 of the day and 23:30 of the day before, in the dealership's time zone
        start = self.local_datetime(10, 0)
        self.env.cr.execute("""
            UPDATE aftersales_case SET create_date = CASE id
                WHEN %(early)s THEN %(start)s::timestamp + interval '30 minutes'
                WHEN %(late)s THEN %(start)s::timestamp - interval '30 minutes'
                ELSE %(start)s::timestamp - interval '400 days' END
             WHERE id IN %(ids)s""", {"early": early.id, "late": late.id, "start": start,
                                      "ids": (early.id, late.id, old.id)})
        Report = self.env["aftersales.case.report"].sudo(self.supervisor)
        ids = (early | late | old).ids

        def raised(domain):
            return Report.search([("case_id", "in", ids)] + domain).mapped("case_id")

        self.assertEqual(raised([("date_raised", ">=", day)]), early)
        self.assertEqual(raised([("date_raised", "<", day)]), late | old)
        self.assertEqual(raised([("date_raised", "<=", day), ("date_raised", ">=", day)]),
                         early)
        [group] = Report.read_group([("case_id", "in", ids), ("date_raised", ">=", day)],
                                    ["case_count", "user_id"], ["user_id"])
        self.assertEqual(group["case_count"], 1)


class TestScreenIndexes(AftersalesCommon):
    """The indexes the screens' plans use at a dealer group's scale (bench part 7) are
    made by the models' init, on install and on upgrade."""

    def test_screen_indexes_exist(self):
        self.env.cr.execute("""
            SELECT indexname FROM pg_indexes
             WHERE indexname IN ('aftersales_call_unhappy_idx',
                                 'aftersales_call_unhappy_recent_idx',
                                 'aftersales_call_company_due_idx',
                                 'aftersales_call_open_queue_idx',
                                 'aftersales_case_escalated_idx',
                                 'aftersales_case_open_complaint_idx',
                                 'aftersales_case_company_create_idx',
                                 'res_partner_aftersales_phone_key_index',
                                 'res_partner_aftersales_mobile_key_index')""")
        self.assertEqual(len(self.env.cr.fetchall()), 9)
