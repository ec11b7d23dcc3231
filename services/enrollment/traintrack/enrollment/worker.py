"""The enrollment worker: institute submissions from Kafka into the enrollment store."""

from __future__ import annotations

import faust

from traintrack.contracts.topics import INSTITUTE_SUBMISSIONS
from traintrack.enrollment.bootstrap import MIGRATIONS
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.enrollment.submissions import submission_batch_handlers, submission_handlers
from traintrack.platform.db.pool import create_pool
from traintrack.platform.messaging.consumer import EventConsumer
from traintrack.platform.messaging.streams import consume, create_stream_app, publisher
from traintrack.platform.settings import ServiceSettings
from traintrack.platform.web.auth import Keyring


def create_worker(settings: ServiceSettings) -> faust.App:
    assert isinstance(settings, EnrollmentSettings)
    app = create_stream_app(
        settings.consumer_name, bootstrap=settings.kafka_bootstrap, state_dir=settings.state_dir
    )

    async def build_consumer() -> EventConsumer:
        pool = await create_pool(
            settings.database_url, migrations=MIGRATIONS, max_size=settings.db_pool_max
        )
        keyring = Keyring(settings.keyring_file)
        return EventConsumer(
            name=settings.consumer_name,
            pool=pool,
            handlers=submission_handlers(keyring, warn_below=settings.warn_below),
            batch_handlers=submission_batch_handlers(keyring, warn_below=settings.warn_below),
            publish=publisher(app),
        )

    consume(
        app,
        INSTITUTE_SUBMISSIONS,
        agent_name="apply_institute_submissions",
        build=build_consumer,
        batch=settings.batch_size,
    )
    return app
