"""The matching worker: enrollment and evaluation facts into the candidate pool, and from
there to the firms whose subscriptions they meet."""

from __future__ import annotations

import faust

from traintrack.contracts.topics import ENROLLMENT_EVENTS, EVALUATION_EVENTS
from traintrack.matching.bootstrap import MIGRATIONS
from traintrack.matching.projection import HANDLERS
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.streams import consume, create_stream_app, once, publisher
from traintrack.platform.settings import ServiceSettings


def create_worker(settings: ServiceSettings) -> faust.App:
    assert isinstance(settings, MatchingSettings)
    app = create_stream_app(
        settings.consumer_name, bootstrap=settings.kafka_bootstrap, state_dir=settings.state_dir
    )

    @once  # both agents share it
    async def build_consumer() -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        return EventConsumer(
            name=settings.consumer_name, pool=pool, handlers=HANDLERS, publish=publisher(app)
        )

    # Most enrollment events (daily attendance) are of no interest here: take them in
    # batches so skipping them is cheap.
    consume(
        app,
        ENROLLMENT_EVENTS,
        agent_name="follow_enrollment_facts",
        build=build_consumer,
        batch=100,
    )
    consume(app, EVALUATION_EVENTS, agent_name="follow_stage_decisions", build=build_consumer)
    return app
