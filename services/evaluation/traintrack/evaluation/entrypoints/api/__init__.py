"""The evaluation API: one router per resource."""

from traintrack.evaluation.entrypoints.api import credentials, evidence, schemes

ROUTERS = (schemes.router, evidence.router, credentials.router)
