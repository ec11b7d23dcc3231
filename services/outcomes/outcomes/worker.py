"""The outcomes worker: a faust app whose agents feed every topic it follows to the
projection handlers."""

from __future__ import annotations

import faust

from outcomes.bootstrap import MIGRATIONS
from outcomes.projection import HANDLERS
from outcomes.settings import OutcomesSettings
from traintrack_shared.consumer import EventConsumer
from traintrack_shared.db import create_pool
from traintrack_shared.settings import ServiceSettings
from traintrack_shared.streams import consume, create_stream_app, publisher
from traintrack_shared.topics import ENROLLMENT_EVENTS


def create_worker(settings: ServiceSettings) -> faust.App:
    assert isinstance(settings, OutcomesSettings)
    app = create_stream_app(
        settings.consumer_name, bootstrap=settings.kafka_bootstrap, state_dir=settings.state_dir
    )

    async def build_consumer() -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        return EventConsumer(
            name=settings.consumer_name, pool=pool, handlers=HANDLERS, publish=publisher(app)
        )

    consume(app, ENROLLMENT_EVENTS, agent_name="record_enrollment_events", build=build_consumer)
    return app
