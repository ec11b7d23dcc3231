"""The evaluation worker: enrollment facts into the evaluation store, re-deciding stages."""

from __future__ import annotations

import faust

from traintrack.contracts.topics import ENROLLMENT_EVENTS
from traintrack.evaluation import store
from traintrack.evaluation.bootstrap import MIGRATIONS, create_signer
from traintrack.evaluation.projection import projection_handlers
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.streams import consume, create_stream_app, publisher
from traintrack.platform.settings import ServiceSettings


def create_worker(settings: ServiceSettings) -> faust.App:
    assert isinstance(settings, EvaluationSettings)
    app = create_stream_app(
        settings.consumer_name, bootstrap=settings.kafka_bootstrap, state_dir=settings.state_dir
    )

    async def build_consumer() -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        async with pool.acquire() as conn:
            await store.ensure_default_scheme(conn)
        return EventConsumer(
            name=settings.consumer_name,
            pool=pool,
            handlers=projection_handlers(create_signer(settings)),
            publish=publisher(app),
        )

    consume(app, ENROLLMENT_EVENTS, agent_name="follow_enrollment_facts", build=build_consumer)
    return app
