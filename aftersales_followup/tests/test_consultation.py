# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Technical consultation (S13): a consultation carries its topic (vehicle model, system)
and the answer given; answered consultations are published as answers that the next
officer finds by vehicle model and keyword, and answering on the call is a KPI."""
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.safe_eval import safe_eval

from .common import AftersalesCommon


class TestConsultation(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestConsultation, cls).setUpClass()
        cls.other_model = cls.env["product.product"].create({"name": "Breeze EV (h8)"})
        cls.Case = cls.env["aftersales.case"].sudo(cls.officer)

    def consultation(self, name, answer=None, solution=None, **vals):
        values = {"name": name, "partner_id": self.customer.id, "kind": "consultation",
                  "vehicle_id": self.vehicle.id, "answer": answer, "solution": solution}
        values.update(vals)
        return self.Case.create(values)

    def answered(self, name, answer, **vals):
        case = self.consultation(name, answer=answer, solution=answer, **vals)
        case.action_answer()
        return case

    def test_consultation_is_about_the_vehicle_model_by_default(self):
        case = self.consultation("Which oil for winter?", topic_system="engine")
        self.assertEqual(case.topic_model_id, self.vehicle_model)
        self.assertEqual(case.topic_system, "engine")
        other = self.consultation("Charging at home", topic_model_id=self.other_model.id)
        self.assertEqual(other.topic_model_id, self.other_model, "a model chosen is kept")

    def test_published_answer_found_by_model_and_keyword(self):
        case = self.answered(
            "Tyre pressure warning after a cold night",
            "Inflate to 2.5 bar when cold, then hold the TPMS button for 3 seconds.",
            topic_system="electrical")
        case.action_publish()
        self.assertTrue(case.published)
        Case = self.env["aftersales.case"].sudo(self.officer)
        found = Case.search_knowledge("TPMS", vehicle_model=self.vehicle_model)
        self.assertEqual(found, case, "keyword in the answer")
        self.assertEqual(Case.search_knowledge("cold night", self.vehicle_model), case,
                         "keywords in the subject")
        self.assertEqual(Case.search_knowledge("tyre", self.vehicle_model.id,
                                               system="electrical"), case)
        self.assertFalse(Case.search_knowledge("TPMS", vehicle_model=self.other_model))
        self.assertFalse(Case.search_knowledge("gearbox", vehicle_model=self.vehicle_model))
        # The knowledge menu lists it; the next consultation on the model points to it.
        action = self.env.ref("aftersales_followup.action_aftersales_knowledge")
        self.assertIn(case, Case.search(safe_eval(action.domain)))
        next_one = self.consultation("The tyre light is on")
        self.assertEqual(next_one.knowledge_count, 1)
        context = next_one.action_view_knowledge()["context"]
        self.assertEqual(context["search_default_topic_model_id"], self.vehicle_model.id)

    def test_unpublished_or_unanswered_is_not_found(self):
        answered = self.answered("Seat heating", "Press the seat button twice.")
        self.assertFalse(self.Case.search_knowledge("seat"), "answered but not published")
        studied = self.consultation("Seat ventilation", answer="Not available on this model.")
        with self.assertRefused(ValidationError):
            studied.action_publish()
        self.assertFalse(studied.published)
        complaint = self.Case.create({
            "name": "Seat stain", "partner_id": self.customer.id, "kind": "complaint",
            "solution": "Cleaned for free."})
        complaint.action_answer()
        with self.assertRefused(ValidationError):
            complaint.action_publish()
        self.assertFalse(self.Case.search_knowledge("seat"))
        self.assertFalse(answered.published)

    def test_publishing_uses_the_solution_when_no_answer_written(self):
        case = self.consultation("Remote key battery",
                                 solution="CR2032 battery, under the key's cover.")
        case.action_answer()
        self.assertFalse(case.answer)
        case.action_publish()
        self.assertEqual(case.answer, "CR2032 battery, under the key's cover.")
        self.assertEqual(self.Case.search_knowledge("CR2032"), case)

    def test_consultation_put_back_to_study_is_unpublished(self):
        case = self.answered("Fog lights", "Turn the light ring one notch further.")
        case.action_publish()
        case.action_study()
        self.assertFalse(case.published)
        self.assertFalse(self.Case.search_knowledge("fog"))
        case.action_unpublish()

    def test_manager_publishes_and_unpublishes(self):
        case = self.answered("Child seat anchors", "ISOFIX anchors behind the rear seat.")
        case.sudo(self.supervisor).action_publish()
        self.assertTrue(case.published)
        case.sudo(self.supervisor).action_unpublish()
        self.assertFalse(case.published)

    def test_other_dealership_does_not_see_the_answers(self):
        case = self.answered("Roof rack load", "75 kg on the roof rack.")
        case.action_publish()
        other = self.env["aftersales.case"].sudo(self.officer2)
        self.assertFalse(other.search_knowledge("roof"))
        with self.assertRaises(AccessError):
            case.sudo(self.officer2).read(["answer"])

    def test_answered_on_call_counted_in_kpi(self):
        on_call = self.answered("Fuel grade", "92 is fine occasionally.")
        studied = self.consultation("Strange smell")
        studied.write({"solution": "Cabin filter replaced."})
        studied.action_solve()
        studied.action_inform()
        cases = on_call | studied
        Report = self.env["aftersales.case.report"]
        rows = Report.search([("case_id", "in", cases.ids)], order="id")
        self.assertEqual(rows.mapped("answered_on_call"), [100, 0])
        groups = Report.read_group(
            [("case_id", "in", cases.ids)], ["kind", "answered_on_call"], ["kind"])
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["answered_on_call"], 50.0)
