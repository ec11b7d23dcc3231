"""The outcomes worker: every topic the indicators need, into facts."""

from __future__ import annotations

import faust

from outcomes.bootstrap import MIGRATIONS
from outcomes.projection import BATCH_HANDLERS, HANDLERS
from outcomes.settings import OutcomesSettings
from traintrack_shared.consumer import EventConsumer
from traintrack_shared.db import create_pool
from traintrack_shared.settings import ServiceSettings
from traintrack_shared.streams import consume, create_stream_app, once, publisher
from traintrack_shared.topics import (
    ENROLLMENT_EVENTS,
    EVALUATION_EVENTS,
    MATCHING_EVENTS,
    OUTCOMES_EVENTS,
)

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
