# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Training records (S13): the maker trains the outlet; each person's trainings are on
their user, and a consultation on a vehicle model shows who passed a training on it."""
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .common import AftersalesCommon, create_staff


class TestTraining(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestTraining, cls).setUpClass()
        cls.other_model = cls.env["product.product"].create({"name": "Breeze EV (h8)"})
        cls.technician = create_staff(cls.env, "h8_technician", "Tom Technician", [cls.USER])
        cls.Training = cls.env["aftersales.training"].sudo(cls.supervisor)

    def training(self, name, models, attendees, **vals):
        values = {
            "name": name, "trainer": "Maker's regional trainer", "topic": "product",
            "vehicle_model_ids": [(6, 0, models.ids)],
            "attendee_ids": [(0, 0, dict(user_id=user.id, result=result, score=score))
                             for user, result, score in attendees],
        }
        values.update(vals)
        return self.Training.create(values)

    def consultation(self, vehicle_model, user=None):
        return self.env["aftersales.case"].sudo(user or self.officer).create({
            "name": "Question on %s" % vehicle_model.name, "partner_id": self.customer.id,
            "kind": "consultation", "topic_model_id": vehicle_model.id})

    def test_attendance_visible_on_the_user(self):
        launch = self.training("Aurora S launch", self.vehicle_model, [
            (self.officer, "passed", 91), (self.technician, "failed", 48)])
        brakes = self.training("Brake noise diagnosis", self.vehicle_model, [
            (self.technician, "attended", 0)], topic="brakes")
        self.assertEqual(launch.attendee_count, 2)
        officer = self.officer.sudo(self.officer)
        self.assertEqual(officer.aftersales_training_count, 1)
        line = officer.aftersales_training_attendee_ids
        self.assertEqual((line.training_id, line.result, line.score, line.date, line.topic),
                         (launch, "passed", 91, launch.date, "product"))
        technician = self.technician.sudo(self.supervisor)
        self.assertEqual(technician.aftersales_training_attendee_ids.mapped("training_id"),
                         launch | brakes)
        self.assertEqual(technician.aftersales_training_count, 2)
        action = technician.action_view_aftersales_trainings()
        self.assertEqual(action["domain"], [("user_id", "=", self.technician.id)])

    def test_trained_on_this_model_lists_who_passed(self):
        self.training("Aurora S launch", self.vehicle_model, [
            (self.officer, "passed", 91), (self.technician, "failed", 48),
            (self.supervisor, "attended", 0)])
        self.training("Breeze EV high voltage", self.other_model, [
            (self.technician, "passed", 80)], topic="electrical")
        self.assertEqual(self.consultation(self.vehicle_model).trained_user_ids, self.officer)
        self.assertEqual(self.consultation(self.other_model).trained_user_ids,
                         self.technician)
        unknown = self.env["product.product"].create({"name": "Old Model (h8)"})
        self.assertFalse(self.consultation(unknown).trained_user_ids)

    def test_trainings_of_another_dealership_do_not_count(self):
        elsewhere = self.env["aftersales.training"].create({
            "name": "Aurora S launch (other dealer)", "company_id": self.company2.id,
            "vehicle_model_ids": [(6, 0, self.vehicle_model.ids)],
            "attendee_ids": [(0, 0, {"user_id": self.officer2.id, "result": "passed"})]})
        self.assertNotIn(self.officer2, self.consultation(self.vehicle_model).trained_user_ids)
        Training = self.env["aftersales.training"].sudo(self.officer)
        self.assertNotIn(elsewhere, Training.search([]))
        self.assertIn(elsewhere, self.env["aftersales.training"].sudo(self.officer2).search([]))

    def test_officers_read_trainings_managers_record_them(self):
        training = self.training("Aurora S launch", self.vehicle_model,
                                 [(self.officer, "passed", 91)])
        as_officer = training.sudo(self.officer)
        self.assertEqual(as_officer.attendee_ids.user_id, self.officer)
        with self.assertRefused(AccessError):
            as_officer.write({"name": "Changed"})
        with self.assertRefused(AccessError):
            as_officer.attendee_ids.write({"result": "failed"})
        with self.assertRefused(AccessError):
            self.env["aftersales.training"].sudo(self.officer).create({"name": "Mine"})
        with self.assertRefused(AccessError):
            training.sudo(self.plain_user).read(["name"])
        training.attendee_ids.write({"result": "failed"})
        self.assertEqual(training.attendee_ids.result, "failed")

    def test_score_out_of_range_refused(self):
        training = self.training("Aurora S launch", self.vehicle_model, [])
        for score in (-1, 101):
            with self.assertRefused(ValidationError):
                training.write({"attendee_ids": [
                    (0, 0, {"user_id": self.officer.id, "result": "passed", "score": score})]})
        self.assertFalse(training.attendee_ids)

    def test_same_person_once_per_training(self):
        training = self.training("Aurora S launch", self.vehicle_model,
                                 [(self.officer, "passed", 91)])
        with self.assertRefused(IntegrityError), mute_logger("odoo.sql_db"):
            training.write({"attendee_ids": [
                (0, 0, {"user_id": self.officer.id, "result": "failed"})]})

    def test_pass_rate_by_topic(self):
        self.training("Aurora S launch", self.vehicle_model, [
            (self.officer, "passed", 91), (self.technician, "failed", 48)])
        groups = self.env["aftersales.training.attendee"].read_group(
            [("user_id", "in", (self.officer | self.technician).ids)],
            ["topic", "passed"], ["topic"])
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["passed"], 0.5)
