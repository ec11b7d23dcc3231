"""The outcomes worker: every topic the indicators need, into facts."""

from __future__ import annotations

import faust

from traintrack.contracts.topics import (
    ENROLLMENT_EVENTS,
    EVALUATION_EVENTS,
    MATCHING_EVENTS,
    OUTCOMES_EVENTS,
)
from traintrack.outcomes.bootstrap import MIGRATIONS
from traintrack.outcomes.projection import BATCH_HANDLERS, HANDLERS
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.streams import consume, create_stream_app, once, publisher
from traintrack.platform.settings import ServiceSettings

AGENTS = {
    ENROLLMENT_EVENTS: "record_enrollment_events",
    EVALUATION_EVENTS: "record_evaluation_events",
    MATCHING_EVENTS: "record_matching_events",
    # Its own reports too: the store is rebuilt from the topics alone.
    OUTCOMES_EVENTS: "record_outcome_reports",
}


def create_worker(settings: ServiceSettings) -> faust.App:
    assert isinstance(settings, OutcomesSettings)
    app = create_stream_app(
        settings.consumer_name, bootstrap=settings.kafka_bootstrap, state_dir=settings.state_dir
    )

    @once  # every agent shares it
    async def build_consumer() -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        return EventConsumer(
            name=settings.consumer_name,
            pool=pool,
            handlers=HANDLERS,
            batch_handlers=BATCH_HANDLERS,
            publish=publisher(app),
        )

    for topic, agent_name in AGENTS.items():
        consume(app, topic, agent_name=agent_name, build=build_consumer, batch=200)
    return app
