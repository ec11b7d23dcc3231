"""One handler per command, `verb_noun(command, uow)`, registered here by command class.

The handlers are grouped by what they are about (a single module would run to a thousand
lines): firms, webhooks, rounds, offers, and the candidate pool the worker keeps;
`disclosure` holds what they share: who is shown to which firm."""

from __future__ import annotations

from typing import Any

from traintrack.matching import commands as c
from traintrack.matching.adapters.uow import MatchingUnitOfWork
from traintrack.matching.handlers import firms, offers, pool, rounds, solving, webhooks
from traintrack.platform.bus import Handler

HANDLERS: dict[type[Any], Handler[MatchingUnitOfWork]] = {
    c.RegisterFirm: firms.register_firm,
    c.PublishOpening: firms.publish_opening,
    c.Subscribe: firms.subscribe,
    c.Unsubscribe: firms.unsubscribe,
    c.RegisterWebhook: webhooks.register_webhook,
    c.RotateWebhookSecret: webhooks.rotate_webhook_secret,
    c.RemoveWebhook: webhooks.remove_webhook,
    c.ClaimDueWebhooks: webhooks.claim_due_webhooks,
    c.RecordDeliveryAttempt: webhooks.record_delivery_attempt,
    c.OpenRound: rounds.open_round,
    c.RankOpenings: rounds.rank_openings,
    c.RankCandidates: rounds.rank_candidates,
    c.SolveRound: solving.solve_round,
    c.SolveQueuedRound: solving.solve_queued_round,
    c.MakeOffer: offers.make_offer,
    c.AnswerOffer: offers.answer_offer,
    c.ExpireDueOffers: offers.expire_due_offers,
    c.StartInternship: offers.start_internship,
    c.CompleteInternship: offers.complete_internship,
    c.RecordPerson: pool.record_person,
    c.RecordCohort: pool.record_cohort,
    c.RecordEnrollment: pool.record_enrollment,
    c.EndEnrollment: pool.end_enrollment,
    c.RecordStagePassed: pool.record_stage_passed,
    c.WithdrawStagePass: pool.withdraw_stage_pass,
    c.RecordAssessment: pool.record_assessment,
    c.RecordCertification: pool.record_certification,
    c.RecordRevocation: pool.record_revocation,
    c.RecordReinstatement: pool.record_reinstatement,
}
